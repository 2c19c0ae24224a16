"""What the coverage loss charges a keypoint for where it sits.

    python tools/coverage_cost.py RUN [--data DIR] [--subject S9] [--frames 24] [--grid 32] [--std 2.3]

On held-out frames, with the run's own boxes and decoder mask `M`: the width of the run's keypoint heatmaps, their
off-mask mass as `coverage_loss` measures it (`M` area-pooled to the heatmap grid) and with `M` max-pooled instead, and
the off-mask mass of a heatmap of that width centred on each ground-truth joint: the price a keypoint pays for sitting
on a thin limb rather than on the trunk. `--grid` / `--std` (crop pixels) ask what a finer grid or sharper heatmaps would
pay instead of the run's own. Medians over the frames' views.
"""
import argparse
import torch
import torch.nn.functional as F
from decoder_influence import reprojections
from keypoint_roles import heatmap_std
from mvkp.train import load_run, default_data
from mvkp.data import MultiViewDataset, JOINT_NAMES
from mvkp.model import decoder_maps, fold
from mvkp.keypoints import render_gaussians
from mvkp.losses import coverage_loss
from mvkp.crop import frame_to_crop
from mvkp.triangulation import pixel_to_norm

JOINTS = ('Hip', 'Spine', 'Thorax', 'Head', 'LElbow', 'LWrist', 'RWrist', 'LKnee', 'LFoot', 'RFoot')

def pooled(M, h): # `M (BV, 1, S, S)` on the h x h heatmap grid: area-pooled (as `coverage_loss`) and max-pooled, (BV, h, h) each
    return dict(area=F.interpolate(M, size=(h, h), mode='area')[:, 0], max=F.adaptive_max_pool2d(M, (h, h))[:, 0])

def off_mask(heat, m): return 1 - (heat * m).sum((-2, -1)) # heatmaps (..., h, h) summing to 1, pooled mask (..., h, h)

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('run'); p.add_argument('--data', default=None); p.add_argument('--subject', default='S9')
    p.add_argument('--frames', type=int, default=24)
    p.add_argument('--grid', type=int, default=None, help="side of the heatmap grid of the joints' heatmaps (default: the run's)")
    p.add_argument('--std', type=float, default=None, help="their standard deviation in crop pixels (default: the run's median)")
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    cfg, model, data = load_run(a.run, verbose=False)
    ds = MultiViewDataset(a.data or data or default_data(), split=[a.subject], every=40)
    idx = list(range(0, len(ds), max(1, len(ds) // a.frames)))[:a.frames]
    b = {k: torch.stack([torch.as_tensor(ds[i][k]) for i in idx]) for k in ('images', 'backgrounds', 'app_images', 'P', 'joints2d')}
    box, q_hat, out, app, (H, W) = reprojections(model, b)
    with torch.no_grad(): M = torch.sigmoid(model.decoder(decoder_maps(cfg, q_hat), app)[1].float()) * model.window  # (BV, 1, S, S)
    heat = fold(out['heat'])                                                      # (BV, N, h, h)
    h, px = heat.shape[-1], cfg.crop_size / 2                                     # crop pixels per normalised unit
    sd = heatmap_std(heat).median()                                               # per-axis standard deviation, normalised units
    own = (coverage_loss(heat, M).item(), off_mask(heat, pooled(M, h)['max'][:, None]).mean().item())
    print(f"{a.run}: heatmap std {sd:.3f} crop-normalised ({sd * px:.1f} crop px); its own heatmaps' "
          f"off-mask mass {own[0]:.3f} (M area-pooled, as coverage_loss) / {own[1]:.3f} (max-pooled)")
    h, sd = a.grid or h, a.std / px if a.std else sd
    if a.grid or a.std: print(f'heatmaps at the joints: {h}x{h} grid, std {sd * px:.1f} crop px')
    jc = frame_to_crop(pixel_to_norm(fold(b['joints2d'].float()), (H, W)), box[:, None, :], (H, W))   # (BV, J, 2)
    G = render_gaussians(jc[:, [JOINT_NAMES.index(j) for j in JOINTS]], h, float(sd) * 2 ** 0.5)      # (BV, J', h, h), std sd
    G = G / G.sum((-2, -1), keepdim=True)
    cost = {k: off_mask(G, m[:, None]).median(0).values for k, m in pooled(M, h).items()}           # (J',) each
    print('| joint | off-mask mass, M area-pooled | M max-pooled |\n|---|---|---|')
    for i, jn in enumerate(JOINTS): print(f"| {jn} | {cost['area'][i]:.2f} | {cost['max'][i]:.2f} |")

if __name__ == '__main__': main()
