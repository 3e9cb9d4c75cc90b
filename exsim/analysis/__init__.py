"""Analysis of model output: figures and statistics."""
