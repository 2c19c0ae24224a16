"""Write (or reuse) the built-in synthetic multi-view dataset: a thin wrapper of `python -m mvkp.synthetic`.

Usage: python data_scripts/make_synthetic.py [--out data/synthetic] [--frames_per_seq 64] [--seed 0] [--size 128] [--tiny] ...
(`--help` lists the options).
"""
from mvkp.synthetic import main

if __name__ == "__main__": main()
