#!/usr/bin/env python
"""Convert Human3.6M into the mvkp dataset format (every step is explained in nbs/91_h36m.ipynb).

Reads RAW/S*/MyPoseFeatures/D3_Positions/<Action>.cdf, RAW/S*/Videos/<Action>.<camera>.mp4 and a camera file
(cameras.h5 of 3d-pose-baseline, or a JSON file), writes OUT/meta.json, OUT/<subject>/cameras.json,
backgrounds.npy and OUT/<subject>/<Action>/{frames,joints3d,joints2d}.npy. Re-running skips finished sequences.

example: python data_scripts/prepare_h36m.py /data/h36m --out data/h36m --cameras /data/h36m/cameras.h5
"""
import argparse
from mvkp.data import ArgParser, cli_errors
from mvkp.h36m import H36M_SUBJECTS, H36M_TEST, prepare_h36m


def names(s): return [x.strip() for x in s.split(',') if x.strip()]


def main(argv=None):
    p = ArgParser(prog='python data_scripts/prepare_h36m.py', description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('raw', help='Human3.6M root holding S1/, S5/, ... (and cameras.h5 unless --cameras is given)')
    p.add_argument('--out', default='data/h36m', help='output dataset root (default: %(default)s)')
    p.add_argument('--cameras', default=None, help='camera file: cameras.h5 (3d-pose-baseline) or .json (default: RAW/cameras.h5, else RAW/cameras.json)')
    p.add_argument('--subjects', type=names, default=H36M_SUBJECTS, help='comma-separated subjects (default: %(default)s)')
    p.add_argument('--actions', type=names, default=None, help='comma-separated action names to keep, e.g. Walking,Posing (default: all)')
    p.add_argument('--every', type=int, default=5, help='keep every K-th frame: 50 fps / 5 = 10 fps (default: %(default)s)')
    p.add_argument('--size', type=int, default=128, help='stored frames are SIZE x SIZE (default: %(default)s)')
    p.add_argument('--square', choices=['crop', 'pad'], default='crop', help='make frames square by a centre crop or black padding (default: %(default)s)')
    p.add_argument('--val-subjects', type=names, default=[], help='subjects of the val split (default: none)')
    p.add_argument('--test-subjects', type=names, default=H36M_TEST, help='subjects of the test split (default: %(default)s); the others are train')
    p.add_argument('--workers', type=int, default=4, help='threads decoding the 4 videos of a sequence (default: %(default)s)')
    p.add_argument('--skip-errors', action='store_true', help='skip sequences with missing or bad files (listed at the end) instead of stopping')
    p.add_argument('--dry-run', action='store_true', help='check the inputs and list what would be processed; write nothing')
    p.add_argument('--quiet', action='store_true', help='no progress bars')
    a = p.parse_args(argv)
    with cli_errors(p.prog):
        prepare_h36m(a.raw, a.out, cameras=a.cameras, subjects=a.subjects, actions=a.actions, every=a.every, size=a.size,
                     square=a.square, val=a.val_subjects, test=a.test_subjects, dry_run=a.dry_run, workers=a.workers,
                     skip_errors=a.skip_errors, progress=not a.quiet)


if __name__ == '__main__': main()
