"""The pipeline: how reports are made. Parameters, execution, HTML, PDF, publishing, the suite
and its manifest. It reads the model, never the views."""
