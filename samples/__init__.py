"""Demo data and the generated evaluation corpus (see samples/corpus/README.md)."""
