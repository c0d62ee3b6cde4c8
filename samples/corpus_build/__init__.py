"""Generator of samples/corpus: a packaging, food-service and hygiene distributor's orders with their truth.

Run from the repository root: `.venv/bin/python -m samples.corpus_build`. Deterministic (fixed seed).
"""
