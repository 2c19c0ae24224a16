"""Fake Human3.6M and MPI-INF-3DHP datasets in the real file formats, for the tests.

Used by tests/test_prepare.py, tests/test_cross_dataset.py and the test cells of nbs/90_real_data.ipynb,
nbs/91_h36m.ipynb and nbs/92_3dhp.ipynb (which put tests/ on sys.path). Not part of the package.
"""
import json
from pathlib import Path

import cv2
import numpy as np

from mvkp.data import DataError
from mvkp.h36m import H36M_CAMERAS, H36M_JOINTS, _H36M_FIELDS, h36m_distort
from mvkp.mpi3dhp import MPI3DHP_BASE_FPS, MPI3DHP_CAMERAS, MPI3DHP_JOINTS, MPI3DHP_TEST_TO_MVKP, mpi3dhp_fps


# Errors
def expect_error(f, *parts):
    "Run `f`; it must raise `DataError` whose message contains every string in `parts`."
    try: f()
    except DataError as e:
        for p in parts: assert p in str(e), f'{p!r} not in the error message: {e}'
        return str(e)
    raise AssertionError(f'no DataError (expected one mentioning {parts})')


# Human3.6M files
def write_h36m_pose(path, pose:np.ndarray): # (T, 32, 3) world mm
    "Write a Human3.6M-style CDF file: variable `Pose`, one record of shape (T, 96), float32."
    from cdflib.cdfwrite import CDF
    pose = np.asarray(pose, np.float32).reshape(1, len(pose), -1)
    c = CDF(str(path), delete=True)
    c.write_var(dict(Variable='Pose', Data_Type=CDF.CDF_FLOAT, Num_Elements=1, Rec_Vary=True,
                     Dim_Sizes=list(pose.shape[1:])), var_data=pose)
    c.close()


def write_h36m_cameras(path, # a .h5 (3d-pose-baseline layout, R stored transposed) or .json file
                       cameras:dict, # {subject: {camera id: dict(R, T, f, c, k, p)}} (R world -> camera)
                      ):
    "Write Human3.6M camera parameters in one of the two formats `load_h36m_cameras` reads (used by the tests)."
    path = Path(path)
    if path.suffix.lower() in ('.h5', '.hdf5'):
        import h5py
        with h5py.File(path, 'w') as hf:
            for s, cams in cameras.items():
                for i, (name, c) in enumerate(cams.items(), 1):
                    g = hf.create_group(f'subject{s.lstrip("S")}/camera{i}')
                    for k, n in _H36M_FIELDS.items():
                        a = np.asarray(c[k], np.float64)
                        g[k] = a.reshape(3, 3).T if k == 'R' else a.reshape(n, 1)
                    g['Name'] = np.array([ord(ch) for ch in name], np.uint8)
    else: path.write_text(json.dumps({s: {n: {k: np.asarray(v).tolist() for k, v in c.items()} for n, c in cams.items()}
                                      for s, cams in cameras.items()}))


# MPI-INF-3DHP files
def write_3dhp_calibration(path, cameras:dict): # {camera number: dict(size, K, R, t)}
    "Write cameras in MPI-INF-3DHP's `camera.calibration` text format."
    fmt = lambda a: ' '.join(f'{x:.10g}' for x in np.ravel(a))
    lines = ['Skeletool Camera Calibration File V1.0']
    for c, cam in cameras.items():
        I, E = np.eye(4), np.eye(4)
        I[:3, :3], E[:3, :3], E[:3, 3] = cam['K'], cam['R'], cam['t']
        lines += [f'name          {c}', '  sensor      10 10', f'  size        {fmt(cam["size"])}', '  animated    0',
                  f'  intrinsic   {fmt(I)} ', f'  extrinsic   {fmt(E)} ', '  radial      0']
    Path(path).write_text('\n'.join(lines) + '\n')


def write_3dhp_test_annot(path, annot2, annot3, valid, univ_annot3=None):
    "Write a test-set `annot_data.mat` as MATLAB v7.3 does (HDF5, reversed dimensions: (N, 1, 17, C))."
    import h5py
    with h5py.File(path, 'w') as hf:
        hf['annot2'], hf['annot3'] = np.asarray(annot2)[:, None], np.asarray(annot3)[:, None]
        hf['univ_annot3'] = np.asarray(annot3 if univ_annot3 is None else univ_annot3)[:, None]
        hf['valid_frame'] = np.asarray(valid, np.float64).reshape(-1, 1)


# A walking stick figure, rendered into frames and videos
def fake_pose(T:int, seed:int=0)->np.ndarray: # (T, 17, 3) world mm, z up, JOINT_NAMES order
    "A stick figure walking along x, for the fake datasets."
    base = np.array([[0, 0, 900], [-120, 0, 900], [-130, 20, 480], [-130, 0, 80], [120, 0, 900], [130, 20, 480],
                     [130, 0, 80], [0, 0, 1150], [0, 0, 1400], [0, -30, 1500], [0, 0, 1650], [180, 0, 1400],
                     [280, 0, 1150], [350, -40, 920], [-180, 0, 1400], [-280, 0, 1150], [-350, -40, 920]], np.float64)
    ph = np.linspace(0, 2 * np.pi, T, endpoint=False)[:, None] + seed
    X = np.repeat(base[None], T, 0)
    X[:, :, 0] += 500 * np.sin(ph)
    X[:, [3, 13], 1] += 150 * np.cos(2 * ph); X[:, [6, 16], 1] -= 150 * np.cos(2 * ph)
    return X


def _render(bg:np.ndarray, uv:np.ndarray)->np.ndarray: # bg (H, W, 3), uv (J, 2) -> frame with a disk per joint
    img = bg.copy()
    r = max(1, round(min(bg.shape[:2]) / 40))
    for j, (x, y) in enumerate(uv):
        if np.isfinite([x, y]).all() and abs(x) < 1e4 and abs(y) < 1e4:
            cv2.circle(img, (int(round(x * 16)), int(round(y * 16))), 16 * r, (255, 40 + 12 * j, 255 - 12 * j), -1, cv2.LINE_AA, 4)
    return img

def _background(W:int, H:int, seed:int)->np.ndarray: # a smooth random RGB texture
    small = np.random.default_rng(seed).integers(30, 130, (max(2, H // 8), max(2, W // 8), 3), dtype=np.uint8)
    return cv2.resize(small, (W, H), interpolation=cv2.INTER_CUBIC)

def write_video(path:Path, frames, fps:float=50):
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = list(frames)
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*('mp4v' if path.suffix == '.mp4' else 'MJPG')), fps,
                        frames[0].shape[1::-1])
    for f in frames: w.write(cv2.cvtColor(f, cv2.COLOR_RGB2BGR))
    w.release()


def fake_ring(n:int, up, r:float, h:float, target_h:float=900.)->tuple: # R (n,3,3), C (n,3): upright cameras on a ring
    up = np.asarray(up, np.float64); a = np.roll(up, 1); b = np.cross(up, a)
    Rs, Cs = [], []
    for i in range(n):
        C = r * (np.cos(2 * np.pi * i / n + .3) * a + np.sin(2 * np.pi * i / n + .3) * b) + h * up
        z = target_h * up - C; z /= np.linalg.norm(z)
        x = np.cross(z, up); x /= np.linalg.norm(x)
        Rs.append(np.stack([x, np.cross(z, x), z])); Cs.append(C)
    return np.stack(Rs), np.stack(Cs)


# Fake Human3.6M
def write_fake_h36m(root, # directory to create
                    subjects=('S1', 'S9'), actions=('Directions 1', 'Walking'), # subjects, action names
                    T:int=12, size=(64, 48), # frames per action, raw video (W, H)
                    camera_file:str='cameras.h5', # 'cameras.h5' or 'cameras.json'
                    distortion:bool=True, # give the cameras lens distortion
                   )->dict: # {subject: {camera: H36M parameters}}
    "Write a tiny fake Human3.6M in the real file formats (CDF poses, mp4 videos, cameras.h5), for tests."
    root, (W, H) = Path(root), size
    R, C = fake_ring(4, (0, 0, 1), 4000., 1500.)
    k, p = (np.array([-0.2, 0.05, 0.]), np.array([0.002, -0.001])) if distortion else (np.zeros(3), np.zeros(2))
    f = 0.9 * W
    cams = {s: {c: dict(R=R[i], T=C[i], f=np.array([f, f * 1.01]), c=np.array([W / 2 + 1, H / 2 - 1]), k=k, p=p)
                for i, c in enumerate(H36M_CAMERAS)} for s in subjects}
    for si, s in enumerate(subjects):
        for ai, a in enumerate(actions):
            X = fake_pose(T, seed=si + ai)
            X32 = np.repeat(X[:, :1], 32, 1); X32[:, H36M_JOINTS] = X
            d = root / s / 'MyPoseFeatures' / 'D3_Positions'; d.mkdir(parents=True, exist_ok=True)
            write_h36m_pose(d / f'{a}.cdf', X32)
            for i, c in enumerate(H36M_CAMERAS):
                cm = cams[s][c]; Xc = (X - cm['T']) @ cm['R'].T
                uv = h36m_distort(Xc[..., :2] / Xc[..., 2:], k, p) * cm['f'] + cm['c']
                bg = _background(W, H, 10 * si + i)
                write_video(root / s / 'Videos' / f'{a}.{c}.mp4', (_render(bg, u) for u in uv))
    write_h36m_cameras(root / camera_file, cams)
    return cams


# Fake MPI-INF-3DHP
def _mpi28(X:np.ndarray)->np.ndarray: # (..., 17, 3) JOINT_NAMES order -> (..., 28, 3), extra joints at the pelvis
    out = np.repeat(X[..., :1, :], 28, -2); out[..., MPI3DHP_JOINTS, :] = X
    return out

def _write_annot(path:Path, Xc:list, uv:list, T:int):
    import scipy.io
    def cell(arrs): # a MATLAB cell array (n, 1)
        c = np.empty((len(arrs), 1), object)
        for i, a in enumerate(arrs): c[i, 0] = a
        return c
    univ = [x[:, 4:5] + 0.9 * (x - x[:, 4:5]) for x in Xc]  # the fake universal skeleton: 0.9 x the bones, about the pelvis
    scipy.io.savemat(str(path), dict(annot2=cell([u.reshape(T, -1) for u in uv]), annot3=cell([x.reshape(T, -1) for x in Xc]),
                                     univ_annot3=cell([x.reshape(T, -1) for x in univ]),
                                     cameras=np.arange(len(Xc))[None], frames=np.arange(T)[:, None]))


def write_fake_3dhp(root, # directory to create
                    subjects=('S1', 'S2'), sequences=('Seq1', 'Seq2'), # training subjects and sequences
                    T:int=12, size:int=48, # frames per sequence, raw (square) frame side
                    video_cameras=MPI3DHP_CAMERAS, # cameras that get a video (the annotations have all 14)
                    test=(), test_size=(64, 36), # test sequences (TS1, ...) and their (W, H)
                    short:dict=None, # {(subject, sequence, camera): n}: that video has only its first n frames
                   )->dict: # {'calibration': {camera: dict(size, K, R, t)}}
    "Write a tiny fake MPI-INF-3DHP in the real file formats, for tests."
    root, A = Path(root), np.array([[1., 0, 0], [0, 0, 1], [0, -1, 0]])  # z-up figure -> y-up world: (x, y, z) -> (x, z, -y)
    R, C = fake_ring(14, (0, 1, 0), 3500., 1200.)
    K = np.array([[0.8 * size, 0, size / 2 - .5], [0, 0.8 * size, size / 2], [0, 0, 1]])
    calib = {i: dict(size=(size, size), K=K, R=R[i], t=-R[i] @ C[i]) for i in range(14)}
    for si, s in enumerate(subjects):
        for qi, q in enumerate(sequences):
            d = root / s / q; (d / 'imageSequence').mkdir(parents=True, exist_ok=True)
            write_3dhp_calibration(d / 'camera.calibration', calib)
            fps = mpi3dhp_fps(s, q); Tq = round(T * fps / MPI3DHP_BASE_FPS)  # 50 fps: the same motion in twice the frames
            Xw = _mpi28(fake_pose(Tq, seed=si + qi) @ A.T)
            Xc = [Xw @ c['R'].T + c['t'] for c in calib.values()]
            uv = [(x @ K.T)[..., :2] / x[..., 2:] for x in Xc]
            _write_annot(d / 'annot.mat', Xc, uv, Tq)
            for c in video_cameras:
                bg = _background(size, size, 10 * si + c)
                n = (short or {}).get((s, q, c), Tq)
                write_video(d / 'imageSequence' / f'video_{c}.avi', (_render(bg, u[MPI3DHP_JOINTS]) for u in uv[c][:n]), fps)
    for qi, q in enumerate(test):
        _write_fake_test(root / q, T, test_size, qi)
    return dict(calibration=calib)


def _write_fake_test(d:Path, T:int, size, seed:int):
    (d / 'imageSequence').mkdir(parents=True, exist_ok=True)
    W, H = size
    Xc = fake_pose(T, seed) @ np.array([[1., 0, 0], [0, 0, -1], [0, 1, 0]]).T + [0, 900, 4500]  # z up -> camera (y down)
    K = np.array([[0.9 * H, 0, W / 2], [0, 0.9 * H, H / 2 - 1], [0, 0, 1]])
    uv = (Xc @ K.T)[..., :2] / Xc[..., 2:]
    test17 = np.argsort(MPI3DHP_TEST_TO_MVKP)  # JOINT_NAMES order -> the test set's order
    univ = Xc[:, :1] + 0.9 * (Xc - Xc[:, :1])  # the fake universal skeleton: 0.9 x the bones, about the pelvis
    write_3dhp_test_annot(d / 'annot_data.mat', uv[:, test17], Xc[:, test17], np.arange(T) % 5 != 2, univ[:, test17])
    bg = _background(W, H, 99 + seed)
    for i in range(T): cv2.imwrite(str(d / 'imageSequence' / f'img_{i + 1:06d}.jpg'), cv2.cvtColor(_render(bg, uv[i]), cv2.COLOR_RGB2BGR))
