"""Data: reading a data set's files (confined, hygienic), the Table Schema, the Facts type, the
problems it reports, time and the words of claims. The bottom room of the model."""
