"""Which keypoints does the decoder use to draw a forearm? A diagnostic of a trained run (nbs/12_findings.ipynb).

For test frames of one subject: the mask M drawn by the decoder on each forearm (pixels within 2 crop pixels of the
elbow-wrist segment, where M > 0.5), and the gradient of its sum with respect to each reprojected keypoint `q_hat_n`.
Printed per forearm: the distance of the most influential keypoint from the forearm, the share of the influence that
comes from keypoints within 6 crop pixels of it, and, per wrist and elbow, the nearest keypoint in 2D (crop pixels)
and in 3D (mm). Last, whether the decoder copies the arms from the appearance frame: the mean of M on the forearms when
the appearance map comes from the frame's own appearance frame, from another test frame's, or from the empty background.

Usage: python tools/decoder_influence.py RUN [--data DIR] [--subject S9] [--frames 24]
"""
import argparse
import torch
from mvkp.train import load_run, default_data
from mvkp.data import MultiViewDataset, JOINT_NAMES
from mvkp.model import keypoints_3d, to_float, fold, decoder_maps
from mvkp.crop import crop, frame_to_crop
from mvkp.triangulation import project, pixel_to_norm, norm_to_pixel


def seg_dist(p, a, b):
    "(BV, ..., 2) points, (BV, 2) segment ends -> (BV, ...) distances to the segment."
    ab = b - a
    sh = (-1,) + (1,) * (p.ndim - 2) + (2,)
    a_, ab_ = a.view(sh), ab.view(sh)
    t = (((p - a_) * ab_).sum(-1) / (ab_ * ab_).sum(-1).clamp_min(1e-6)).clamp(0, 1)
    return (p - a_ - t[..., None] * ab_).norm(dim=-1)


@torch.no_grad()
def reprojections(model, b):
    "Boxes, reprojected crop keypoints `q_hat (BV, N, 2)`, `keypoints_3d`'s output and the appearance maps of a batch."
    I, B_, A = (to_float(b[k]) for k in ('images', 'backgrounds', 'app_images'))
    H, W = I.shape[-2:]
    out = keypoints_3d(model, I, B_, b['P'])
    box = fold(out['box'])
    x_hat = project(out['X'][:, None], b['P'][:, :, None].float())
    q_hat = frame_to_crop(pixel_to_norm(fold(x_hat), (H, W)), box[:, None, :], (H, W))
    return box, q_hat, out, appearance(model, A, B_), (H, W)


@torch.no_grad()
def appearance(model, A, B_):
    "Appearance maps of the appearance images `A (B, V, 3, H, W)`, cropped as the model does."
    Af = fold(A)
    return model.app_encoder(crop(Af, model.detect(Af, fold(B_)).float(), model.cfg.crop_size // 2))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('run'); p.add_argument('--data', default=None); p.add_argument('--subject', default='S9')
    p.add_argument('--frames', type=int, default=24)
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    cfg, model, data = load_run(a.run, verbose=False)
    ds = MultiViewDataset(a.data or data or default_data(), split=[a.subject], every=40)
    idx = list(range(0, len(ds), max(1, len(ds) // a.frames)))[:a.frames]
    b = {k: torch.stack([torch.as_tensor(ds[i][k]) for i in idx]) for k in ('images', 'backgrounds', 'app_images', 'P', 'joints2d', 'joints3d')}
    box, q_hat, out, app, (H, W) = reprojections(model, b)
    X = out['X']
    S = cfg.crop_size
    q = q_hat.clone().requires_grad_()
    _, m = model.decoder(decoder_maps(cfg, q), app)
    M = torch.sigmoid(m.float()) * model.window                                           # (BV, 1, S, S)
    jc = norm_to_pixel(frame_to_crop(pixel_to_norm(fold(b['joints2d'].float()), (H, W)), box[:, None, :], (H, W)), S)
    qp = norm_to_pixel(q_hat, S)                                                          # (BV, N, 2) crop pixels
    ys, xs = torch.meshgrid(torch.arange(S * 1.), torch.arange(S * 1.), indexing='ij')
    grid = torch.stack([xs, ys], -1)[None].expand(len(q), -1, -1, -1)                     # (BV, S, S, 2)
    for side in ('L', 'R'):
        e, w = JOINT_NAMES.index(side + 'Elbow'), JOINT_NAMES.index(side + 'Wrist')
        arm = (seg_dist(grid, jc[:, e], jc[:, w]) < 2.0) & (M[:, 0].detach() > 0.5)       # (BV, S, S)
        g, = torch.autograd.grad((M[:, 0] * arm).sum(), q, retain_graph=True)
        infl, d = g.norm(dim=-1), seg_dist(qp, jc[:, e], jc[:, w])                        # (BV, N) each
        ok = arm.flatten(1).sum(1) > 3
        near = ((infl * (d < 6)).sum(1) / infl.sum(1).clamp_min(1e-12))[ok]
        top = d.gather(1, infl.argmax(1, keepdim=True))[ok, 0]
        print(f"{side} forearm: drawn in M in {int(ok.sum())} of {len(ok)} views ({arm.flatten(1).sum(1)[ok].float().mean():.0f} px); "
              f"most influential keypoint {top.median():.1f} px from it (median); influence from keypoints within 6 px: {100 * near.median():.0f} %")
    band = torch.stack([seg_dist(grid, jc[:, JOINT_NAMES.index(sd + 'Elbow')], jc[:, JOINT_NAMES.index(sd + 'Wrist')]) < 2.0
                        for sd in ('L', 'R')]).any(0)                                     # (BV, S, S) both forearms
    B_ = to_float(b['backgrounds'])
    others = torch.roll(b['app_images'], 1, 0)                                            # another test frame's appearance image
    for name, A_ in (('its own appearance frame', b['app_images']), ("another test frame's", others), ('the empty background', None)):
        app_ = appearance(model, B_ if A_ is None else to_float(A_), B_)
        with torch.no_grad(): Ma = torch.sigmoid(model.decoder(decoder_maps(cfg, q_hat), app_)[1].float()) * model.window
        print(f"appearance from {name}: mean M on the forearms {Ma[:, 0][band].mean():.3f}")
    J3 = b['joints3d'].float()
    for jn in ('LWrist', 'RWrist', 'LElbow', 'RElbow'):
        j = JOINT_NAMES.index(jn)
        d2 = (qp - jc[:, j, None]).norm(dim=-1).min(1).values
        d3 = (X - J3[:, j, None]).norm(dim=-1).min(1).values
        print(f'{jn}: nearest keypoint {d2.median():.1f} crop px in 2D, {d3.median():.0f} mm in 3D (medians)')
    hd, root = JOINT_NAMES.index('Head'), 0
    print(f"one crop pixel at the subject: {(J3[:, hd] - J3[:, root]).norm(dim=-1).median() / (jc[:, hd] - jc[:, root]).norm(dim=-1).median():.0f} mm")


if __name__ == '__main__': main()
