"""The dataset preparation scripts on tiny fake Human3.6M / MPI-INF-3DHP files written in the real formats.

Full runs, re-runs and dry runs start the scripts as subprocesses; the malformed-input cases call the scripts'
`main(argv)` in this process (same code path, without paying the torch import of a new interpreter per case).
"""
import os, runpy, shutil, subprocess, sys
from pathlib import Path

import h5py
import numpy as np
import pytest
import scipy.io

from mvkp.data import MultiViewDataset, load_cameras, load_meta, validate_dataset
from mvkp.h36m import H36M_CAMERAS, load_h36m_cameras
from mvkp.mpi3dhp import MPI3DHP_TEST_TO_MVKP, read_3dhp_test_annot
from mvkp.realdata import VideoFrames
from fakes import fake_pose, write_fake_3dhp, write_fake_h36m, write_h36m_cameras, write_h36m_pose, write_video

ROOT = Path(__file__).resolve().parents[1]
H36M = ROOT / 'data_scripts' / 'prepare_h36m.py'
DHP = ROOT / 'data_scripts' / 'prepare_3dhp.py'
SMALL = ['--size', '32', '--every', '2', '--quiet']


def run(script, *args):
    "Run a script in a subprocess; returns the CompletedProcess."
    env = {**os.environ, 'PYTHONPATH': os.pathsep.join([str(ROOT), os.environ.get('PYTHONPATH', '')])}
    return subprocess.run([sys.executable, str(script), *map(str, args)], capture_output=True, text=True, env=env,
                          timeout=300, cwd=ROOT)


def run_main(script, *args):
    "Call the script's main(argv) here; returns its exit message (`sys.exit(message)`: status 1) or None on success."
    main = runpy.run_path(str(script), run_name='prepare')['main']
    try: main([str(a) for a in args])
    except SystemExit as e: return str(e.code)


@pytest.fixture(scope='module')
def h36m_raw(tmp_path_factory):
    raw = tmp_path_factory.mktemp('h36m') / 'raw'
    write_fake_h36m(raw, subjects=('S1', 'S9'), actions=('Directions 1', 'Walking'), T=12, size=(64, 48))
    return raw


@pytest.fixture(scope='module')
def dhp_raw(tmp_path_factory):
    raw = tmp_path_factory.mktemp('3dhp') / 'raw'
    write_fake_3dhp(raw, subjects=('S1', 'S2'), T=12, size=48, test=('TS1', 'TS5'))
    return raw


def copy(raw, tmp_path):
    dst = tmp_path / 'raw'
    shutil.copytree(raw, dst)
    return dst


def expect_fault(fault, faults, raw, tmp_path, script, *args):
    "Damage a copy of `raw` with `faults[fault]`; the script must stop with an error naming the file and the problem."
    damage, parts = faults[fault]
    raw = copy(raw, tmp_path)
    damage(raw)
    msg = run_main(script, raw, '--out', tmp_path / 'out', *args)
    assert msg is not None and ': error: ' in msg and '\n' not in msg.strip(), f'{fault}: no one-line error'
    for p in parts: assert p in msg, f'{fault}: {p!r} not in {msg!r}'
    assert not list((tmp_path / 'out').rglob('*.tmp')), f'{fault}: a failed sequence must leave no partial output'


def mtimes(root):
    return {p: p.stat().st_mtime_ns for p in Path(root).rglob('frames.npy')}


# ---- Human3.6M: full run, re-run, dry run

def test_h36m_dry_run_full_and_resume(h36m_raw, tmp_path):
    out = tmp_path / 'out'
    r = run(H36M, h36m_raw, '--out', out, '--subjects', 'S1,S9', *SMALL, '--dry-run')
    assert r.returncode == 0, r.stderr
    assert not out.exists(), 'a dry run writes nothing'
    for seq in ('S1/Directions_1', 'S1/Walking', 'S9/Directions_1', 'S9/Walking'):
        assert f'{seq}: 12 frames -> 6 kept (every 2 of 50 fps), 4 views [to do]' in r.stdout, r.stdout
    assert 'frames kept per subject (all planned sequences): S1 12, S9 12' in r.stdout, r.stdout

    r = run(H36M, h36m_raw, '--out', out, '--subjects', 'S1,S9', *SMALL)
    assert r.returncode == 0, r.stderr
    assert 'done: 2 subjects (S1, S9), 4 sequences written, 0 skipped' in r.stdout, r.stdout
    assert validate_dataset(out, full=True) == dict(subjects=2, sequences=4, frames=24, views=4, image_size=[32, 32])
    meta = load_meta(out)
    assert meta['splits'] == {'train': ['S1'], 'val': [], 'test': ['S9']}
    assert meta['cameras'] == H36M_CAMERAS and meta['source'] == 'h36m' and meta['fps'] == 25
    cams = load_cameras(out / 'S9')
    j3, j2 = np.load(out / 'S9/Walking/joints3d.npy'), np.load(out / 'S9/Walking/joints2d.npy')
    x = np.einsum('vij,tnj->tvni', cams['P'], np.concatenate([j3, np.ones_like(j3[..., :1])], -1))
    np.testing.assert_allclose(j2, x[..., :2] / x[..., 2:], atol=1e-3)
    item = MultiViewDataset(out, 'train')[0]
    assert item['images'].shape == (4, 3, 32, 32)

    before = mtimes(out)
    r = run(H36M, h36m_raw, '--out', out, '--subjects', 'S1,S9', *SMALL)
    assert r.returncode == 0, r.stderr
    assert '0 sequences written, 4 skipped' in r.stdout and r.stdout.count('[done, skipped]') == 4, r.stdout
    assert mtimes(out) == before, 'a re-run must not rewrite finished sequences'

    shutil.rmtree(out / 'S9' / 'Walking')  # an unfinished sequence is redone, alone
    msg = run_main(H36M, h36m_raw, '--out', out, '--subjects', 'S1,S9', *SMALL)
    assert msg is None, msg
    after = mtimes(out)
    assert {p: t for p, t in after.items() if 'Walking' not in str(p) or 'S1' in str(p)} == \
           {p: t for p, t in before.items() if 'Walking' not in str(p) or 'S1' in str(p)}
    validate_dataset(out)


def test_h36m_options_and_splits(h36m_raw, tmp_path):
    out = tmp_path / 'out'
    msg = run_main(H36M, h36m_raw, '--out', out, '--subjects', 'S1,S9', '--actions', 'walking', '--square', 'pad',
                      '--val-subjects', 'S1', '--test-subjects', '', *SMALL)
    assert msg is None, msg
    assert sorted(p.name for p in (out / 'S1').iterdir() if p.is_dir()) == ['Walking']
    assert load_meta(out)['splits'] == {'train': ['S9'], 'val': ['S1'], 'test': []}
    msg = run_main(H36M, h36m_raw, '--out', out, '--subjects', 'S1,S9', '--size', '48', '--every', '2', '--quiet')
    assert 'meta.json' in msg and "'size': (32, 48)" in msg, msg


def test_h36m_json_cameras(h36m_raw, tmp_path):
    raw = copy(h36m_raw, tmp_path)
    cams = {s: load_h36m_cameras(raw / 'cameras.h5', s) for s in ('S1', 'S9')}
    write_h36m_cameras(raw / 'my_cameras.json', cams)
    (raw / 'cameras.h5').unlink()
    msg = run_main(H36M, raw, '--out', tmp_path / 'out', '--subjects', 'S1,S9', '--cameras', raw / 'my_cameras.json', *SMALL)
    assert msg is None, msg
    validate_dataset(tmp_path / 'out')


# ---- Human3.6M: each malformed input names its file

def _h36m_cams(raw):
    return {s: load_h36m_cameras(raw / 'cameras.h5', s) for s in ('S1', 'S9')}


def _bad_cdf_shape(raw):
    write_h36m_pose(raw / 'S9/MyPoseFeatures/D3_Positions/Walking.cdf', np.zeros((12, 25, 3)))


def _short_video(raw):
    write_video(raw / 'S1/Videos/Walking.58860488.mp4', [np.zeros((48, 64, 3), np.uint8)] * 4)


def _missing_camera_entry(raw):
    cams = _h36m_cams(raw)
    del cams['S9']['60457274']
    write_h36m_cameras(raw / 'cameras.json', cams)
    (raw / 'cameras.h5').unlink()


def _nan_camera(raw):
    cams = _h36m_cams(raw)
    cams['S1']['55011271']['T'] = np.array([np.nan, 0., 0.])
    (raw / 'cameras.h5').unlink()
    write_h36m_cameras(raw / 'cameras.h5', cams)


def _camera_subject_missing(raw):
    cams = _h36m_cams(raw)
    del cams['S9']
    (raw / 'cameras.h5').unlink()
    write_h36m_cameras(raw / 'cameras.h5', cams)


H36M_FAULTS = {
    'missing CDF': (lambda r: (r / 'S1/MyPoseFeatures/D3_Positions/Walking.cdf').unlink(),
                    ['D3_Positions/Walking.cdf', 'missing pose file']),
    'corrupt CDF': (lambda r: (r / 'S9/MyPoseFeatures/D3_Positions/Directions 1.cdf').write_bytes(b'\0' * 300),
                    ['D3_Positions/Directions 1.cdf', 'unreadable CDF file']),
    'wrong pose shape': (_bad_cdf_shape, ['D3_Positions/Walking.cdf', 'Pose has shape (1, 12, 75), expected (1, T, 96)']),
    'missing video': (lambda r: (r / 'S9/Videos/Walking.55011271.mp4').unlink(), ['S9/Videos/Walking.55011271.mp4', 'missing video']),
    'unreadable video': (lambda r: (r / 'S1/Videos/Directions 1.60457274.mp4').write_bytes(b'garbage' * 50),
                         ['S1/Videos/Directions 1.60457274.mp4', 'unreadable video']),
    'frame count mismatch': (_short_video, ['S1/Videos/Walking.58860488.mp4', '4 frames, but', 'Walking.cdf has 12']),
    'missing camera file': (lambda r: (r / 'cameras.h5').unlink(), ['cameras.h5', 'missing camera file']),
    'missing camera entries': (_missing_camera_entry, ['cameras.json', 'subject S9 has no camera 60457274']),
    'missing camera subject': (_camera_subject_missing, ['cameras.h5', 'no group subject9/camera1']),
    'NaN in calibration': (_nan_camera, ['cameras.h5', 'subject1/camera2 (55011271)', 'T has non-finite values']),
}


@pytest.mark.parametrize('fault', list(H36M_FAULTS))
def test_h36m_errors(fault, h36m_raw, tmp_path):
    expect_fault(fault, H36M_FAULTS, h36m_raw, tmp_path, H36M, '--subjects', 'S1,S9', *SMALL)


def test_h36m_skip_errors(h36m_raw, tmp_path):
    raw = copy(h36m_raw, tmp_path)
    (raw / 'S9/Videos/Walking.55011271.mp4').write_bytes(b'garbage')
    msg = run_main(H36M, raw, '--out', tmp_path / 'out', '--subjects', 'S1,S9', *SMALL)
    assert 'Walking.55011271.mp4: unreadable video' in msg, msg
    msg = run_main(H36M, raw, '--out', tmp_path / 'out', '--subjects', 'S1,S9', '--skip-errors', *SMALL)
    assert msg is None, msg
    assert validate_dataset(tmp_path / 'out')['sequences'] == 3
    assert not (tmp_path / 'out/S9/Walking').exists()


def test_h36m_skip_errors_lists_every_file(h36m_raw, tmp_path):
    "--skip-errors names every skipped file and its reason, also when all of a subject's sequences are bad (issue 17)."
    raw = copy(h36m_raw, tmp_path)
    (raw / 'S1/Videos/Walking.58860488.mp4').write_bytes(b'garbage' * 50)
    (raw / 'S1/MyPoseFeatures/D3_Positions/Directions 1.cdf').unlink()
    (raw / 'S9/Videos/Walking.55011271.mp4').unlink()
    r = run(H36M, raw, '--out', tmp_path / 'out', '--subjects', 'S1,S9', '--skip-errors', *SMALL)
    assert r.returncode == 0, r.stderr
    skipped = r.stdout.split('skipped (bad files):')[1].split('\n  ')
    assert any(l.startswith('S1/Walking: ') and l.strip().endswith('S1/Videos/Walking.58860488.mp4: unreadable video (OpenCV cannot open it)')
               for l in skipped), r.stdout
    assert any(l.startswith('S1/Directions_1: ') and 'D3_Positions/Directions 1.cdf: missing pose file' in l for l in skipped), r.stdout
    assert any(l.startswith('S9/Walking: ') and 'S9/Videos/Walking.55011271.mp4: missing video' in l for l in skipped), r.stdout
    assert 'no usable sequence' not in r.stdout + r.stderr
    assert 'done: 1 subjects (S9), 1 sequences written, 0 skipped (already done), 3 failed' in r.stdout, r.stdout
    assert load_meta(tmp_path / 'out')['splits'] == {'train': [], 'val': [], 'test': ['S9']}

    r = run(H36M, raw, '--out', tmp_path / 'out2', '--subjects', 'S1', '--skip-errors', *SMALL)  # nothing left to convert
    assert r.returncode == 1 and 'Traceback' not in r.stderr, r.stderr
    ours = [l for l in r.stderr.splitlines() if l.strip() and not l.startswith('[')]  # '[mov,mp4 ...]': FFmpeg's own log
    assert len(ours) == 1 and ours[0].endswith('out2: nothing to convert (all 2 skipped, listed above)'), r.stderr
    assert 'Walking.58860488.mp4: unreadable video' in r.stdout and 'Directions 1.cdf: missing pose file' in r.stdout, r.stdout
    assert not (tmp_path / 'out2').exists()


# ---- MPI-INF-3DHP

def test_3dhp_full_resume_and_test_set(dhp_raw, tmp_path):
    out = tmp_path / 'out'
    msg = run_main(DHP, dhp_raw, '--out', out, '--subjects', 'S1,S2', '--dry-run', *SMALL)
    assert msg is None and not out.exists(), msg
    r = run(DHP, dhp_raw, '--out', out, '--subjects', 'S1,S2', '--test-subjects', 'S2', *SMALL)
    assert r.returncode == 0, r.stderr
    assert 'done: 2 subjects (S1, S2), 4 sequences written' in r.stdout, r.stdout
    assert validate_dataset(out, full=True) == dict(subjects=2, sequences=4, frames=24, views=4, image_size=[32, 32])
    meta = load_meta(out)
    assert meta['cameras'] == ['cam0', 'cam2', 'cam7', 'cam8'] and meta['splits']['test'] == ['S2']
    j3 = np.load(out / 'S1/Seq1/joints3d.npy')
    assert (j3[:, 10, 2] > j3[:, 3, 2] + 1000).all(), 'z up: head above the feet'
    # S1/Seq2 runs at 50 fps, the others at 25: one conversion keeps them all at 12.5 Hz, by time
    assert 'S1/Seq2: 24 frames -> 6 kept (every 4 of 50 fps)' in r.stdout and 'S1/Seq1: 12 frames -> 6 kept (every 2 of 25 fps)' in r.stdout, r.stdout
    info = meta['sequence_info']
    assert {(s, q): (i['source_fps'], i['step'], i['fps'], i['frames']) for s, d in info.items() for q, i in d.items()} == {
        ('S1', 'Seq1'): (25, 2, 12.5, 6), ('S1', 'Seq2'): (50, 4, 12.5, 6), ('S2', 'Seq1'): (25, 2, 12.5, 6), ('S2', 'Seq2'): (25, 2, 12.5, 6)}
    assert meta['fps'] == 12.5 and meta['labels'] == 'univ_annot3'
    np.testing.assert_allclose(np.load(out / 'S1/Seq2/annot3.npy'), fake_pose(12, seed=1)[::2], atol=1e-3)
    fp = fake_pose(12, seed=1)[::2]
    np.testing.assert_allclose(np.load(out / 'S1/Seq2/joints3d.npy'), fp[:, :1] + 0.9 * (fp - fp[:, :1]), atol=1e-3)
    before = mtimes(out)
    msg = run_main(DHP, dhp_raw, '--out', out, '--subjects', 'S1,S2', '--test-subjects', 'S2', *SMALL)
    assert msg is None and mtimes(out) == before, msg

    tout = tmp_path / 'test_out'
    r = run(DHP, dhp_raw, '--test-set', '--sequences', 'TS1,TS5', '--out', tout, '--size', '32', '--quiet')
    assert r.returncode == 0, r.stderr
    assert validate_dataset(tout, full=True) == dict(subjects=2, sequences=2, frames=24, views=1, image_size=[32, 32])
    meta = load_meta(tout)
    assert meta['splits'] == {'train': [], 'val': [], 'test': ['TS1', 'TS5']} and meta['source'] == '3dhp-test'
    j3 = np.load(tout / 'TS5/TS5/joints3d.npy')
    assert np.isnan(j3).all((1, 2)).tolist() == [i % 5 == 2 for i in range(12)], 'invalid frames have NaN labels'
    ta, v = read_3dhp_test_annot(dhp_raw / 'TS5/annot_data.mat'), ~np.isnan(j3).all((1, 2))
    zup = lambda a: a[:, MPI3DHP_TEST_TO_MVKP] @ np.array([[1., 0, 0], [0, 0, 1], [0, -1, 0]]).T
    assert meta['labels'] == 'univ_annot3' and meta['prepare']['annot'] == 'univ_annot3'
    np.testing.assert_allclose(j3[v], zup(ta['univ_annot3'])[v], atol=1e-3)   # the standard protocol's labels
    np.testing.assert_allclose(np.load(tout / 'TS5/TS5/annot3.npy')[v], zup(ta['annot3'])[v], atol=1e-3)
    np.testing.assert_allclose(np.load(tout / 'TS5/TS5/univ_annot3.npy')[v], j3[v])
    msg = run_main(DHP, dhp_raw, '--test-set', '--sequences', 'TS5', '--out', tmp_path / 'test_a3', '--size', '32', '--quiet',
                   '--annot', 'annot3')
    assert msg is None, msg
    np.testing.assert_allclose(np.load(tmp_path / 'test_a3/TS5/TS5/joints3d.npy')[v], zup(ta['annot3'])[v], atol=1e-3)
    assert load_meta(tmp_path / 'test_a3')['labels'] == 'annot3'


def test_3dhp_cameras_option(dhp_raw, tmp_path):
    msg = run_main(DHP, dhp_raw, '--out', tmp_path / 'out', '--subjects', 'S1', '--sequences', 'Seq2',
                      '--cameras', '7,0', '--per-sequence', *SMALL)
    assert msg is None, msg
    meta = load_meta(tmp_path / 'out')
    assert meta['cameras'] == ['cam7', 'cam0'] and meta['splits']['train'] == ['S1_Seq2']


def test_3dhp_short_view(dhp_raw, tmp_path):
    "A view shorter than its labels: the frames all views have are kept, the dropped ones are reported (not an error)."
    raw = copy(dhp_raw, tmp_path)
    p = raw / 'S2/Seq1/imageSequence/video_2.avi'
    write_video(p, list(VideoFrames(p).frames(range(7))), 25)
    r = run(DHP, raw, '--out', tmp_path / 'out', '--subjects', 'S2', *SMALL)
    assert r.returncode == 0, r.stderr
    assert 'S2/Seq1: 7 frames -> 4 kept (every 2 of 25 fps), 4 views, 5 label frames dropped (video_2.avi has 7) [to do]' in r.stdout, r.stdout
    assert 'label frames dropped (a view is shorter): S2/Seq1: 5' in r.stdout, r.stdout
    i = load_meta(tmp_path / 'out')['sequence_info']['S2']
    assert (i['Seq1']['frames'], i['Seq1']['dropped'], i['Seq2']['dropped']) == (4, 5, 0), i
    assert np.load(tmp_path / 'out/S2/Seq1/frames.npy', mmap_mode='r').shape[:2] == (4, 4)
    assert len(np.load(tmp_path / 'out/S2/Seq1/joints3d.npy')) == 4


def test_3dhp_radial_zero_spellings(dhp_raw, tmp_path):
    "`radial 0.0` is no distortion, as `radial 0`; the conversion goes through."
    raw = copy(dhp_raw, tmp_path)
    p = raw / 'S2/Seq1/camera.calibration'
    p.write_text(p.read_text().replace('radial      0', 'radial      0.0'))
    assert 'radial      0.0' in p.read_text()
    msg = run_main(DHP, raw, '--out', tmp_path / 'out', '--subjects', 'S2', *SMALL)
    assert msg is None, msg


def _calib_edit(old, new):
    def f(raw):
        p = raw / 'S2/Seq1/camera.calibration'
        text = p.read_text()
        assert old in text
        p.write_text(text.replace(old, new, 1))
    return f


def _annot_without(key):
    def f(raw):
        p = raw / 'S1/Seq2/annot.mat'
        m = {k: v for k, v in scipy.io.loadmat(p).items() if not k.startswith('__') and k != key}
        scipy.io.savemat(p, m)
    return f


def _annot_bad_shape(raw):
    p = raw / 'S1/Seq2/annot.mat'
    m = {k: v for k, v in scipy.io.loadmat(p).items() if not k.startswith('__')}
    m['annot3'][2, 0] = m['annot3'][2, 0][:, :60]
    scipy.io.savemat(p, m)


def _differing_calibration(raw):
    p = raw / 'S1/Seq2/camera.calibration'
    lines = p.read_text().splitlines()
    i = next(i for i, l in enumerate(lines) if l.strip().startswith('extrinsic'))
    tok = lines[i].split()
    tok[4] = str(float(tok[4]) + 50)  # translation x of camera 0, 50 mm away
    lines[i] = '  ' + ' '.join(tok)
    p.write_text('\n'.join(lines) + '\n')


DHP_FAULTS = {
    'malformed calibration': (_calib_edit('intrinsic   ', 'intrinsic   1 '),
                              ['S2/Seq1/camera.calibration', 'camera 0: intrinsic (line 6) has 17 numbers, expected 16']),
    'NaN in calibration': (_calib_edit('0 0 0 1 \n  radial', '0 0 0 nan \n  radial'), ['S2/Seq1/camera.calibration', 'non-finite']),
    'radial distortion': (_calib_edit('radial      0', 'radial      0.25'), ['S2/Seq1/camera.calibration', "camera 0: radial (line 8) is '0.25', expected 0"]),
    'missing calibration': (lambda r: (r / 'S2/Seq1/camera.calibration').unlink(), ['S2/Seq1/camera.calibration', 'missing camera file']),
    'annot.mat without annot3': (_annot_without('annot3'), ['S1/Seq2/annot.mat', "missing variable 'annot3'"]),
    'annot.mat without cameras': (_annot_without('cameras'), ['S1/Seq2/annot.mat', "missing variable 'cameras'"]),
    'annot3 bad shape': (_annot_bad_shape, ['S1/Seq2/annot.mat', 'annot3 of camera 2 has shape (24, 60), expected (T, 84)']),
    'corrupt annot.mat': (lambda r: (r / 'S1/Seq1/annot.mat').write_bytes(b'MATLAB 5.0' + b'\0' * 50), ['S1/Seq1/annot.mat', 'unreadable MATLAB file']),
    'missing video': (lambda r: (r / 'S2/Seq2/imageSequence/video_7.avi').unlink(), ['S2/Seq2/imageSequence/video_7.avi', 'missing video']),
    'calibration differs between sequences': (_differing_calibration, ['S1/Seq2/camera.calibration', 'differ from those of', '--per-sequence']),
}


@pytest.mark.parametrize('fault', list(DHP_FAULTS))
def test_3dhp_errors(fault, dhp_raw, tmp_path):
    expect_fault(fault, DHP_FAULTS, dhp_raw, tmp_path, DHP, '--subjects', 'S1,S2', *SMALL)


def _test_annot_without_valid(raw):
    with h5py.File(raw / 'TS5/annot_data.mat', 'a') as hf: del hf['valid_frame']


DHP_TEST_FAULTS = {
    'annot_data.mat without valid_frame': (_test_annot_without_valid, ['TS5/annot_data.mat', "missing variable 'valid_frame'"]),
    'annot_data.mat not HDF5': (lambda r: (r / 'TS1/annot_data.mat').write_bytes(b'\0' * 100), ['TS1/annot_data.mat', 'not a MATLAB v7.3']),
    'missing image': (lambda r: (r / 'TS5/imageSequence/img_000004.jpg').unlink(), ['TS5/imageSequence/img_000004.jpg', 'missing image']),
}


@pytest.mark.parametrize('fault', list(DHP_TEST_FAULTS))
def test_3dhp_test_set_errors(fault, dhp_raw, tmp_path):
    expect_fault(fault, DHP_TEST_FAULTS, dhp_raw, tmp_path, DHP, '--test-set', '--sequences', 'TS1,TS5', '--size', '32', '--quiet')


TRAIN_TINY = ['--steps', '3', '--batch_frames', '2', '--n_kpts', '8', '--width', '8', '--det_width', '8', '--crop_size', '32',
              '--det_size', '32', '--mask_res', '16', '--workers', '0', '--fig_every', '0',
              '--ckpt_every', '3', '--warmup', '1']


@pytest.mark.parametrize('name', ['h36m', '3dhp'])
def test_prepared_data_trains_with_smoke_preset(name, h36m_raw, dhp_raw, tmp_path):
    "The prepared real-format datasets go straight into `python -m mvkp.train --preset smoke` (a few steps)."
    out = tmp_path / 'data'
    script, raw, extra = (H36M, h36m_raw, ['--subjects', 'S1,S9']) if name == 'h36m' else (DHP, dhp_raw, ['--subjects', 'S1,S2'])
    r = run(script, raw, '--out', out, *extra, *SMALL)
    assert r.returncode == 0, r.stderr
    if not load_meta(out)['splits']['train']: pytest.skip('no training split')
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'MPLBACKEND': 'Agg'}
    r = subprocess.run([sys.executable, '-m', 'mvkp.train', '--preset', 'smoke', '--data', str(out), '--out',
                        str(tmp_path / 'run'), *TRAIN_TINY], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert (tmp_path / 'run' / 'model.pt').exists()
