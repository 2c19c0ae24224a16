"""What does each discovered keypoint do? A diagnostic of a trained run (nbs/12_findings.ipynb).

On test frames of one subject, per keypoint: the ground-truth joint it stays nearest to (smallest median 3D distance),
that distance, its heatmap's standard deviation (crop pixels), and where it sits in the crop (median |q|,
crop-normalised: 0 is the crop centre, which the detector puts near the pelvis). Summed up: how many keypoints sit
within `--centre` of the crop centre, and how many distinct places the keypoints occupy (keypoints whose median 3D
distance to each other is under `--merge` mm count as one place). A keypoint that shares its place with others adds
nothing a probe can read. `--probe` also fits the linear probe (the evaluation's protocol: fitted on the labelled
subject, validated, tested on the held-out ones; MPJPE) on all keypoints, on all but those at the centre, on those alone,
and on three random subsets of the same size as "all but those at the centre".

Usage: python tools/keypoint_roles.py RUN... [--data DIR] [--subject S9] [--every 40] [--centre 0.15] [--merge 40] [--table] [--probe]
"""
import argparse
import torch
from mvkp.train import load_run, default_data
from mvkp.data import MultiViewDataset, JOINT_NAMES, load_meta
from mvkp.model import keypoints_3d, to_float, fold
from mvkp.keypoints import soft_argmax
from mvkp.losses import heatmap_variance
from mvkp.evaluate import extract, split_labelled
from mvkp.probe import probe_inputs, fit_linear_probe, evaluate_probe


def places(D, merge): # (N, N) median 3D distances between keypoints, mm -> number of groups closer than `merge`, chained
    group = list(range(len(D)))
    for i in range(len(D)):
        for j in range(i + 1, len(D)):
            if D[i, j] < merge:
                gi, gj = group[i], group[j]
                group = [gi if g == gj else g for g in group]
    return len(set(group))


def heatmap_std(heat): # (..., N, h, w) heatmaps -> (..., N) per-axis standard deviation, crop-normalised
    return (heatmap_variance(heat) / 2).sqrt()


@torch.no_grad()
def roles(run, data=None, subject='S9', every=40):
    "Per keypoint: nearest joint index, its median distance (mm), heatmap std (crop px), median |q|; and keypoint distances."
    cfg, model, saved = load_run(run, verbose=False)
    ds = MultiViewDataset(data or saved or default_data(), split=[subject], every=every)
    b = {k: torch.stack([torch.as_tensor(ds[i][k]) for i in range(len(ds))]) for k in ('images', 'backgrounds', 'P', 'joints3d')}
    out = keypoints_3d(model.eval(), to_float(b['images']), to_float(b['backgrounds']), b['P'])
    heat = fold(out['heat']).float()                                       # (BV, N, h, w)
    q = soft_argmax(heat)                                                  # (BV, N, 2) crop-normalised
    sd = heatmap_std(heat).median(0).values * cfg.crop_size / 2            # (N,) per-axis std, crop px
    X, J = out['X'].double(), b['joints3d'].double()                       # (T, N, 3), (T, J, 3)
    dj = (X[:, :, None] - J[:, None]).norm(dim=-1).median(0).values        # (N, J)
    dist, joint = dj.min(-1)
    dk = (X[:, :, None] - X[:, None]).norm(dim=-1).median(0).values        # (N, N)
    return dict(joint=joint, dist=dist.float(), std=sd, q=q.norm(dim=-1).median(0).values, dk=dk.float())


@torch.no_grad()
def linear_probe_subsets(run, data, subsets:dict) -> dict:
    "Name -> linear-probe MPJPE of the run's keypoints restricted to that index tensor (default protocol, every frame)."
    cfg, model, saved = load_run(run, verbose=False)
    data = data or saved or default_data()
    lab, val, test = split_labelled(load_meta(data))
    mk = lambda s: MultiViewDataset(data, s, seed=cfg.seed, with_appearance=False)
    e = {k: extract(model, mk(s)) for k, s in (('train', lab), ('val', val), ('test', test))}
    def score(idx):
        (Xa, Ya), (Xb, Yb), (Xc, Yc) = (probe_inputs({**e[k], 'X': e[k]['X'][:, idx]}) for k in ('train', 'val', 'test'))
        return float(evaluate_probe(fit_linear_probe(Xa, Ya, Xb, Yb), Xc, Yc)['mpjpe'])
    return {name: score(idx) for name, idx in subsets.items()}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('runs', nargs='+'); p.add_argument('--data', default=None); p.add_argument('--subject', default='S9')
    p.add_argument('--every', type=int, default=40); p.add_argument('--centre', type=float, default=0.15)
    p.add_argument('--merge', type=float, default=40.); p.add_argument('--table', action='store_true', help='print every keypoint')
    p.add_argument('--probe', action='store_true', help='linear probe on subsets of the keypoints (about 1 min per run)')
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    print(f'| run | keypoints | within {a.centre} of the crop centre | distinct places (< {a.merge:g} mm) | nearest joints (count) |')
    print('|---|---|---|---|---|')
    for run in a.runs:
        r = roles(run, a.data, a.subject, a.every)
        n = len(r['q'])
        counts = torch.bincount(r['joint'], minlength=len(JOINT_NAMES))
        names = ', '.join(f'{JOINT_NAMES[j]} {int(c)}' for j, c in sorted(enumerate(counts.tolist()), key=lambda t: -t[1]) if c)
        print(f"| {run} | {n} | {int((r['q'] < a.centre).sum())} | {places(r['dk'], a.merge)} | {names} |")
        if a.table:
            for i in sorted(range(n), key=lambda i: (int(r['joint'][i]), float(r['dist'][i]))):
                print(f"|  | {i} -> {JOINT_NAMES[int(r['joint'][i])]} {r['dist'][i]:.0f} mm | |q| {r['q'][i]:.2f} | "
                      f"heatmap std {r['std'][i]:.1f} px | |")
        if a.probe:
            central, rest = (r['q'] < a.centre).nonzero()[:, 0], (r['q'] >= a.centre).nonzero()[:, 0]
            g = torch.Generator().manual_seed(0)
            subsets = {'all': torch.arange(n), 'all but those at the centre': rest, 'those at the centre': central,
                       **{f'random {len(rest)}, draw {k}': torch.randperm(n, generator=g)[:len(rest)] for k in range(3)}}
            scores = linear_probe_subsets(run, a.data, subsets)
            print('|  | linear probe: ' + ', '.join(f'{k} {v:.1f}' for k, v in scores.items()) + ' | | | |')


if __name__ == '__main__': main()
