"""Would the unsupervised objective keep a keypoint at the wrist? A diagnostic that uses labels (nbs/12_findings.ipynb).

It is not part of the method and its runs are not results of it: `train` runs `python -m mvkp.train` unchanged except
that, for the first `--anchor_steps` steps, keypoints 0 and 1 are pulled onto the left and right wrist with the
ground-truth 2D wrists of every view (`anchor_w * mean |q_k - t_k|`, crop-normalised; the targets `t` are the wrists in
the detector's box, detached, so the pull moves keypoints, not the box). After that the run trains as the default.
Every step it appends to `RUN/anchor.csv` (medians over the batch, mm, training frames): each anchored keypoint's 3D
distance to its wrist, and the nearest keypoint's. `where RUN...` then says where keypoints 0 / 1 sit along the
forearms of held-out frames: `t` (0 at the elbow, 1 at the wrist), the distance off the elbow-wrist line, and to each end;
with `--follow`, the keypoints that best follow each wrist (`follow_kpt` of the run's results.json) instead.

Usage: python tools/wrist_anchor.py train [--anchor_steps 4500] [--anchor_w 1] -- --preset demo --data DIR --out RUN [--seed S]
       python tools/wrist_anchor.py train -- --out RUN --resume [--OPTION VALUE ...]   (continues from last.pt's step)
       python tools/wrist_anchor.py where RUN... [--data DIR] [--every 8] [--follow]
"""
import argparse, atexit, csv, json, sys
from pathlib import Path
import numpy as np
import torch
import mvkp.train as T
from mvkp.crop import frame_to_crop
from mvkp.data import MultiViewDataset, JOINT_NAMES, atomic_write
from mvkp.evaluate import extract
from mvkp.triangulation import pixel_to_norm

WRISTS, ELBOWS = [JOINT_NAMES.index('LWrist'), JOINT_NAMES.index('RWrist')], [JOINT_NAMES.index('LElbow'), JOINT_NAMES.index('RElbow')]


def wrist_targets(batch:dict, box:torch.Tensor) -> torch.Tensor: # (B, V, 3) boxes -> (B, V, 2, 2) the wrists in each crop
    b, V, _, H, W = batch['images'].shape
    j2 = batch['joints2d'].float()[:, :, WRISTS].to(box.device)          # (B, V, 2, 2) pixels
    t = frame_to_crop(pixel_to_norm(j2.flatten(0, 1), (H, W)), box.flatten(0, 1).detach()[:, None, :], (H, W))
    return t.clamp(-0.95, 0.95).view(b, V, 2, 2)                          # a wrist outside the crop: its nearest edge


def train(argv, anchor_steps:int, anchor_w:float):
    out_dir = Path(argv[argv.index('--out') + 1])
    step0 = torch.load(out_dir / 'last.pt', weights_only=False)['step'] if '--resume' in argv else 0
    log = out_dir / 'anchor.csv'
    if step0 and log.exists():                                            # as log.csv: drop the rows the resume redoes
        rows = list(csv.reader(open(log)))
        atomic_write(log, lambda tmp: Path(tmp).write_text(''.join(','.join(r) + '\n' for r in rows[:1] + [r for r in rows[1:] if int(r[0]) < step0])))
    Base = T.MultiViewDataset
    class Labelled(Base):                                                 # the training set with its labels
        def __init__(self, *a, **kw): kw['labels'] = True; super().__init__(*a, **kw)
    T.MultiViewDataset = Labelled
    state, plain = dict(step=step0, rows=[]), T.compute_losses

    def compute_losses(model, batch, out):
        loss, logs = plain(model, batch, out)
        if not model.training: return loss, logs
        J = batch['joints3d'].float()[:, WRISTS].to(out['X'].device)      # (B, 2, 3) mm
        X = out['X'].float()                                               # (B, N, 3) mm
        d, near = (X[:, :2] - J).norm(dim=-1), (X[:, :, None] - J[:, None]).norm(dim=-1).min(1).values   # (B, 2) each
        if state['step'] < anchor_steps:
            with torch.no_grad(): t = wrist_targets(batch, out['box'])
            loss = loss + anchor_w * (out['q'][:, :, :2] - t).norm(dim=-1).mean()
        state['rows'].append([state['step'], *d.median(0).values.tolist(), *near.median(0).values.tolist()])
        state['step'] += 1
        if len(state['rows']) >= 50: flush()
        return loss, logs

    def flush():
        if not state['rows']: return
        new = not log.exists()
        with open(log, 'a', newline='') as fh:
            w = csv.writer(fh)
            if new: w.writerow(['step', 'anchored_L', 'anchored_R', 'nearest_L', 'nearest_R'])
            w.writerows([[r[0]] + [f'{x:.1f}' for x in r[1:]] for r in state['rows']])
        state['rows'] = []
    atexit.register(flush)
    T.compute_losses = compute_losses
    T.main(argv)


def where(runs, data, every:int, follow:bool=False):
    for run in runs:
        cfg, model, run_data = T.load_run(run, verbose=False)
        ks = [0, 1]
        if follow:                                                        # the keypoint that best follows each wrist
            fk = json.loads((Path(run) / 'results.json').read_text())['diagnostics']['follow_kpt']
            ks = [fk[JOINT_NAMES[j]] for j in WRISTS]
        ds = MultiViewDataset(data or run_data, 'test', labels=True)
        e = extract(model, torch.utils.data.Subset(ds, np.arange(0, len(ds), every)))
        X, J = e['X'].numpy(), e['joints3d'].numpy()
        for i, k in enumerate(ks):
            E, Wr = J[:, ELBOWS[i]], J[:, WRISTS[i]]
            seg = Wr - E
            t = ((X[:, k] - E) * seg).sum(1) / (seg ** 2).sum(1)
            off = np.linalg.norm(X[:, k] - E - t[:, None] * seg, axis=1)
            print(f'{run} keypoint {k} ({JOINT_NAMES[WRISTS[i]]}): t {np.median(t):.2f} (10-90 %: {np.percentile(t, 10):.2f} to '
                  f'{np.percentile(t, 90):.2f}), off the line {np.median(off):.0f} mm, to the wrist '
                  f'{np.median(np.linalg.norm(X[:, k] - Wr, axis=1)):.0f} mm, to the elbow {np.median(np.linalg.norm(X[:, k] - E, axis=1)):.0f} mm '
                  f'(forearm {np.median(np.linalg.norm(seg, axis=1)):.0f} mm; {len(X)} frames)')


if __name__ == '__main__':
    args = sys.argv[1:]
    rest = args[args.index('--') + 1:] if '--' in args else []
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = p.add_subparsers(dest='cmd', required=True)
    pt = sub.add_parser('train'); pt.add_argument('--anchor_steps', type=int, default=4500); pt.add_argument('--anchor_w', type=float, default=1.)
    pw = sub.add_parser('where'); pw.add_argument('runs', nargs='+'); pw.add_argument('--data'); pw.add_argument('--every', type=int, default=8)
    pw.add_argument('--follow', action='store_true', help="each wrist's best-following keypoint (results.json's `follow_kpt`) instead of keypoints 0 / 1")
    a = p.parse_args(args[:args.index('--')] if '--' in args else args)
    if a.cmd == 'train': train(rest, a.anchor_steps, a.anchor_w)
    else: where(a.runs, a.data, a.every, a.follow)
