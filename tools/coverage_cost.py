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
from mvkp.train import load_run, default_data
from mvkp.data import MultiViewDataset, JOINT_NAMES
from mvkp.model import keypoints_3d, decoder_maps, to_float, fold
from mvkp.crop import frame_to_crop
from mvkp.triangulation import pixel_to_norm

JOINTS = ('Hip', 'Spine', 'Thorax', 'Head', 'LElbow', 'LWrist', 'RWrist', 'LKnee', 'LFoot', 'RFoot')

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
    box, q_hat, X, app, (H, W) = reprojections(model, b)
    with torch.no_grad():
        M = torch.sigmoid(model.decoder(decoder_maps(cfg, q_hat), app)[1].float()) * model.window       # (BV, 1, S, S)
        heat = fold(keypoints_3d(model, to_float(b['images']), to_float(b['backgrounds']), b['P'])['heat'])  # (BV, N, h, h)
    h = heat.shape[-1]
    g = torch.linspace(-1 + 1 / h, 1 - 1 / h, h)                                    # cell centres, crop-normalised
    yy, xx = torch.meshgrid(g, g, indexing='ij')
    mx, my = (heat * xx).sum((-2, -1)), (heat * yy).sum((-2, -1))
    sd = ((heat * ((xx - mx[..., None, None]) ** 2 + (yy - my[..., None, None]) ** 2)).sum((-2, -1)) / 2).sqrt().median()
    pools = dict(area=F.interpolate(M, size=(h, h), mode='area')[:, 0], max=F.adaptive_max_pool2d(M, (h, h))[:, 0])
    own = {k: (1 - (heat * m[:, None]).sum((-2, -1))).mean().item() for k, m in pools.items()}
    print(f"{a.run}: heatmap std {sd:.3f} crop-normalised ({sd * cfg.crop_size / 2:.1f} crop px); its own heatmaps' "
          f"off-mask mass {own['area']:.3f} (M area-pooled, as coverage_loss) / {own['max']:.3f} (max-pooled)")
    if a.grid or a.std:
        h = a.grid or h; sd = torch.tensor(a.std / (cfg.crop_size / 2)) if a.std else sd
        g = torch.linspace(-1 + 1 / h, 1 - 1 / h, h); yy, xx = torch.meshgrid(g, g, indexing='ij')
        pools = dict(area=F.interpolate(M, size=(h, h), mode='area')[:, 0], max=F.adaptive_max_pool2d(M, (h, h))[:, 0])
        print(f'heatmaps at the joints: {h}x{h} grid, std {sd * cfg.crop_size / 2:.1f} crop px')
    jc = frame_to_crop(pixel_to_norm(fold(b['joints2d'].float()), (H, W)), box[:, None, :], (H, W))   # (BV, J, 2)
    print('| joint | off-mask mass, M area-pooled | M max-pooled |\n|---|---|---|')
    for jn in JOINTS:
        c = jc[:, JOINT_NAMES.index(jn)]
        G = torch.exp(-((xx - c[:, 0, None, None]) ** 2 + (yy - c[:, 1, None, None]) ** 2) / (2 * sd ** 2))
        G = G / G.sum((-2, -1), keepdim=True)                                       # a heatmap of the run's width at the joint
        print(f"| {jn} | " + ' | '.join(f'{(1 - (G * m).sum((-2, -1))).median():.2f}' for m in pools.values()) + ' |')

if __name__ == '__main__': main()
