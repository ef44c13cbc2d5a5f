"""The views: how facts are shown. Tables, chart and map plans and their drawings, labels,
stances, escaped display and one chart style. Views read the model, never the pipeline."""
