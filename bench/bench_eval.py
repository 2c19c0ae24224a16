"""Evaluation benchmark: where `python -m mvkp.evaluate` spends its time, and what `extract`'s keypoint-only pass saves.

    python bench/bench_eval.py [--run reference] [--data DIR] [--every 4] [--rounds 3] [--full] [--out bench/results_eval.json]

1. Keypoint extraction on the labelled subject (every `--every`-th frame): `extract` (the model's keypoint half,
   `keypoints_3d`, datasets without appearance frames) against the full forward pass (detector, encoder, triangulation,
   decoder, composite, phi; appearance frames loaded), timed in interleaved rounds; the best round of each counts.
   Both must give the same keypoints (checked).
2. With `--full`: one complete `evaluate_run` (as `python -m mvkp.evaluate RUN`) and its stages' wall times
   (`results.json`'s `info.stage_seconds`), written to a temporary folder.
Threads: as set by OMP_NUM_THREADS / torch defaults; the figures are ratios within one run.
"""
import argparse, sys, tempfile, time
from pathlib import Path

import torch
from torch.utils.data import DataLoader

from mvkp.data import MultiViewDataset, load_meta, write_json
from mvkp.evaluate import extract, evaluate_run, split_labelled
from mvkp.train import load_run, default_data


@torch.no_grad()
def extract_full_forward(model, ds, batch=32):
    "The keypoints as the full forward pass makes them (what `extract` did before it ran the keypoint half only)."
    X = [model(b)['X'] for b in DataLoader(ds, batch_size=batch)]
    return torch.cat(X)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--run', default='reference'); p.add_argument('--data', default=None)
    p.add_argument('--every', type=int, default=4); p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--full', action='store_true', help='also time one complete evaluate_run, stage by stage')
    p.add_argument('--out', default='bench/results_eval.json')
    a = p.parse_args(argv)
    cfg, model, data0 = load_run(a.run)
    data = Path(a.data or data0 or default_data())
    lab = split_labelled(load_meta(data))[0]
    model.eval()
    mk = lambda app: MultiViewDataset(data, lab, views=list(cfg.views) or None, every=a.every, seed=cfg.seed, with_appearance=app)
    times = {'keypoint half (extract)': [], 'full forward': []}
    for _ in range(a.rounds):
        t = time.perf_counter(); e = extract(model, mk(False)); times['keypoint half (extract)'].append(time.perf_counter() - t)
        t = time.perf_counter(); X = extract_full_forward(model, mk(True)); times['full forward'].append(time.perf_counter() - t)
        err = float((e['X'] - X).abs().max())
        if err > 1e-2: sys.exit(f'bench_eval: extract and the full forward disagree by {err:.3g} mm')
    best = {k: min(v) for k, v in times.items()}
    res = dict(run=a.run, data=str(data), frames=len(mk(False)), every=a.every, threads=torch.get_num_threads(),
               rounds={k: [round(x, 2) for x in v] for k, v in times.items()},
               extract_s=round(best['keypoint half (extract)'], 2), full_forward_s=round(best['full forward'], 2),
               extract_over_full_forward=round(best['keypoint half (extract)'] / best['full forward'], 3),
               max_abs_diff_mm=err)
    print(f"{res['frames']} frames x {len(cfg.views) or len(load_meta(data)['cameras'])} views, {res['threads']} threads: "
          f"extract {res['extract_s']} s, full forward {res['full_forward_s']} s -> {res['extract_over_full_forward']} x")
    if a.full:
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            r = evaluate_run(a.run, data=data, out=tmp, progress=False)
            res['evaluate_run_s'] = round(time.perf_counter() - t, 1)
            res['stage_seconds'] = r['info']['stage_seconds']
        print(f"evaluate_run {res['evaluate_run_s']} s: " + ', '.join(f'{k} {v} s' for k, v in res['stage_seconds'].items()))
    write_json(Path(a.out), res)


if __name__ == '__main__': main()
