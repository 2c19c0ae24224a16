#!/usr/bin/env python
"""Convert MPI-INF-3DHP into the mvkp dataset format (every step is explained in nbs/92_3dhp.ipynb).

Training set: reads RAW/S*/Seq*/annot.mat, camera.calibration and imageSequence/video_<camera>.avi, writes a
multi-view dataset (one view per chosen camera); 25- and 50-fps sequences are kept at one rate, a short view
keeps the frames all views have (the dropped label frames are reported). With --test-set: reads
RAW/TS*/annot_data.mat and imageSequence/img_*.jpg and writes a separate, evaluation-only dataset (one view).
annot3 and univ_annot3 are both stored; joints3d.npy holds --annot (default univ_annot3, the standard protocol;
3DHP results are reported in cm). Re-running skips finished sequences.

examples: python data_scripts/prepare_3dhp.py /data/mpi_inf_3dhp --out data/3dhp
          python data_scripts/prepare_3dhp.py /data/mpi_inf_3dhp/mpi_inf_3dhp_test_set --test-set --out data/3dhp_test
"""
import argparse
from mvkp.data import ArgParser, cli_errors
from mvkp.mpi3dhp import MPI3DHP_SUBJECTS, MPI3DHP_CAMERAS, MPI3DHP_TEST, MPI3DHP_ANNOTS, prepare_3dhp, prepare_3dhp_test


def names(s): return [x.strip() for x in s.split(',') if x.strip()]
def numbers(s): return [int(x) for x in names(s)]


def main(argv=None):
    p = ArgParser(prog='python data_scripts/prepare_3dhp.py', description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('raw', help='MPI-INF-3DHP root holding S1/ ... S8/ (with --test-set: the folder holding TS1/ ... TS6/)')
    p.add_argument('--out', default=None, help='output dataset root (default: data/3dhp, with --test-set data/3dhp_test)')
    p.add_argument('--test-set', action='store_true', help='convert the test sequences TS1..TS6 (evaluation only, one view)')
    p.add_argument('--subjects', type=names, default=MPI3DHP_SUBJECTS, help='comma-separated training subjects (default: %(default)s)')
    p.add_argument('--sequences', type=names, default=None, help='comma-separated sequences (default: Seq1,Seq2; with --test-set TS1,...,TS6)')
    p.add_argument('--cameras', type=numbers, default=MPI3DHP_CAMERAS, help='comma-separated camera numbers, the views in this order (default: 0,2,7,8)')
    p.add_argument('--every', type=int, default=None, help='keep every K-th frame of the 25-fps sequences and the same time step '
                   '(every 2K-th frame) of the 50-fps ones (S1/Seq2, S3, S5): all stored at 25/K Hz (default: 5; with --test-set 1)')
    p.add_argument('--annot', choices=MPI3DHP_ANNOTS, default=MPI3DHP_ANNOTS[0], help='3D labels stored as joints3d.npy, '
                   'univ_annot3 (height-normalised, the standard test protocol) or annot3; both are stored (default: %(default)s)')
    p.add_argument('--size', type=int, default=128, help='stored frames are SIZE x SIZE (default: %(default)s)')
    p.add_argument('--square', choices=['crop', 'pad'], default=None, help='make frames square by a centre crop or black padding (default: crop; with --test-set pad)')
    p.add_argument('--per-sequence', action='store_true', help='one subject per sequence (S1_Seq1, ...), for calibrations that differ between sequences')
    p.add_argument('--val-subjects', type=names, default=[], help='subjects of the val split (default: none)')
    p.add_argument('--test-subjects', type=names, default=[], help='subjects of the test split (default: none; the test set is --test-set)')
    p.add_argument('--workers', type=int, default=4, help='threads decoding the videos of a sequence (default: %(default)s)')
    p.add_argument('--skip-errors', action='store_true', help='skip sequences with missing or bad files (listed at the end) instead of stopping')
    p.add_argument('--dry-run', action='store_true', help='check the inputs and list what would be processed; write nothing')
    p.add_argument('--quiet', action='store_true', help='no progress bars')
    a = p.parse_args(argv)
    run = dict(dry_run=a.dry_run, workers=a.workers, skip_errors=a.skip_errors, progress=not a.quiet)
    with cli_errors(p.prog):
        if a.test_set:
            prepare_3dhp_test(a.raw, a.out or 'data/3dhp_test', sequences=a.sequences or MPI3DHP_TEST, every=a.every or 1,
                              size=a.size, square=a.square or 'pad', annot=a.annot, **run)
        else:
            prepare_3dhp(a.raw, a.out or 'data/3dhp', subjects=a.subjects, sequences=a.sequences or ['Seq1', 'Seq2'],
                         cameras=a.cameras, every=a.every or 5, size=a.size, square=a.square or 'crop',
                         per_sequence=a.per_sequence, val=a.val_subjects, test=a.test_subjects, annot=a.annot, **run)


if __name__ == '__main__': main()
