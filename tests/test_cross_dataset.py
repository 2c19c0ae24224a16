"""Cross-dataset evaluation (the paper's Table 2) through the command line, on tiny fake Human3.6M / MPI-INF-3DHP files:
a run trained on Human3.6M, probes fitted on 3DHP training subjects, tested on the 3DHP test set (one view: the
run's single-view lifter) or on a multi-view 3DHP test split."""
import json, os, subprocess, sys
from pathlib import Path

import numpy as np
import pytest

from mvkp.data import load_cameras, load_meta
from fakes import write_fake_3dhp, write_fake_h36m

ROOT = Path(__file__).resolve().parents[1]
SMALL = ['--size', '32', '--every', '2', '--quiet']
TRAIN_TINY = ['--steps', '3', '--batch_frames', '2', '--n_kpts', '8', '--width', '8', '--det_width', '8', '--crop_size', '32',
              '--det_size', '32', '--mask_res', '16', '--workers', '0', '--fig_every', '0',
              '--ckpt_every', '3', '--warmup', '1']


def run(*args):
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'MPLBACKEND': 'Agg',
           'PYTHONPATH': os.pathsep.join([str(ROOT), os.environ.get('PYTHONPATH', '')])}
    r = subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, env=env, timeout=600, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    return r


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    d = tmp_path_factory.mktemp('cross')
    write_fake_h36m(d / 'h36m_raw', subjects=('S1', 'S9'), T=12, size=(64, 48))
    write_fake_3dhp(d / '3dhp_raw', subjects=('S1', 'S2'), T=12, size=48, test=('TS1', 'TS5'))
    run('data_scripts/prepare_h36m.py', d / 'h36m_raw', '--out', d / 'h36m', '--subjects', 'S1,S9', *SMALL)
    run('data_scripts/prepare_3dhp.py', d / '3dhp_raw', '--out', d / '3dhp', '--subjects', 'S1,S2', '--test-subjects', 'S2', *SMALL)
    run('data_scripts/prepare_3dhp.py', d / '3dhp_raw', '--test-set', '--sequences', 'TS1,TS5', '--out', d / '3dhp_test',
        '--size', '32', '--quiet')
    run('-m', 'mvkp.train', '--preset', 'smoke', '--data', d / 'h36m', '--out', d / 'run', *TRAIN_TINY)
    run('-m', 'mvkp.single_view', d / 'run', '--steps', '10', '--hidden', '16', '--device', 'cpu')
    return d


def camera_poses(root, subject, seqs):
    "Root-relative joints in each view's camera frame, one sample per frame and view (frames in order, views inner)."
    c = load_cameras(root / subject)
    out = []
    for q in seqs:
        J = np.load(root / subject / q / 'joints3d.npy').astype(np.float64)          # (T, J, 3) world
        Jc = np.einsum('vij,tnj->tvni', c['R'], J) + c['t'][None, :, None]           # (T, V, J, 3)
        out.append((Jc - Jc[:, :, :1]).reshape(-1, *J.shape[1:]))
    return np.concatenate(out)


def test_h36m_run_3dhp_probes_3dhp_test_set(setup):
    d = setup
    r = run('-m', 'mvkp.evaluate', d / 'run', '--data', d / '3dhp', '--test-data', d / '3dhp_test', '--val', 'holdout',
            '--out', d / 'eval')
    res = json.loads((d / 'eval/results.json').read_text())['cross_dataset']
    i = res['info']
    assert (i['fit_data'], i['test_data'], i['labelled'], i['test']) == (str(d / '3dhp'), str(d / '3dhp_test'), ['S1'], ['TS1', 'TS5'])
    assert i['units'] == 'cm' and i['test_labels'] == 'univ_annot3' and i['keypoints'].startswith('single-view')
    assert i['joints'] == load_meta(d / '3dhp')['joint_names'] and len(i['joints']) == 17
    assert i['samples'] == dict(fit=38, val=10, test=20), i['samples']  # S1: 12 frames x 4 views; TS1, TS5: 10 valid of 12 each
    assert 'MPJPE (cm)' in r.stdout and 'tested on' in r.stdout and 'TS1' in r.stdout, r.stdout
    # the mean-pose baseline, recomputed from the stored files: fitted on S1's first 80 % of samples, tested on TS1, TS5, in cm
    fit = camera_poses(d / '3dhp', 'S1', ['Seq1', 'Seq2'])[:38]
    test = np.concatenate([camera_poses(d / '3dhp_test', t, [t]) for t in ('TS1', 'TS5')])
    test = test[np.isfinite(test).all((1, 2))]
    assert len(test) == 20
    err_cm = np.linalg.norm(fit.mean(0) - test, axis=-1).mean() / 10
    assert abs(res['mean_pose']['mpjpe'] - err_cm) < 1e-3 * err_cm, (res['mean_pose'], err_cm)
    for k in ('linear', 'mlp'): assert np.isfinite(list(res[k].values())).all() and res[k]['mpjpe'] > 0
    assert not list((d / 'eval').glob('*.tmp'))


def test_multi_view_test_split(setup):
    "A test dataset with several views: the multi-view keypoints (world frame), the 3DHP test split S2; cm."
    d = setup
    run('-m', 'mvkp.evaluate', d / 'run', '--data', d / '3dhp', '--test-data', d / '3dhp', '--val', 'holdout', '--out', d / 'eval_mv')
    res = json.loads((d / 'eval_mv/results.json').read_text())['cross_dataset']
    assert res['info']['keypoints'].startswith('multi-view') and res['info']['units'] == 'cm'
    assert res['info']['samples'] == dict(fit=9, val=3, test=12), res['info']['samples']   # S1: 12 frames; S2: 12 frames
    J = lambda s: np.concatenate([np.load(d / '3dhp' / s / q / 'joints3d.npy') for q in ('Seq1', 'Seq2')]).astype(np.float64)
    fit, test = J('S1')[:9], J('S2')
    fit, test = fit - fit[:, :1], test - test[:, :1]
    err_cm = np.linalg.norm(fit.mean(0) - test, axis=-1).mean() / 10
    assert abs(res['mean_pose']['mpjpe'] - err_cm) < 1e-3 * err_cm, (res['mean_pose'], err_cm)
