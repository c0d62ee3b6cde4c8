"""Entry point: `python -m samples.corpus_build`."""

from samples.corpus_build.build import main

if __name__ == "__main__":
    main()
