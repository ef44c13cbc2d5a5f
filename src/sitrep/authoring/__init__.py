"""Authoring: what proposes data rather than states it: new data sets, drafts from a text, the
draft's recall measurement and synthetic data sets for benchmarks. Above the model; never imported
by it, nor by the views or the pipeline."""
