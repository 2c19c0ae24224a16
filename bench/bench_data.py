"""Benchmark of the data pipeline: synthetic generation speed, size on disk, loader throughput.

Usage: python bench/bench_data.py [--out DIR] [--quick]
Writes bench/results_data.json and prints a table. It generates, with 2 worker processes, into a temporary
directory (removed at the end): the *default* synthetic dataset (version 3: 7 subjects x 11 actions x 2 takes x 64
frames = 9,856 frames, 128 px, about 2.6 GB), measured in full. Loader numbers read the fresh default dataset, so its
frames are in the page cache (a warm-cache measurement); in the same run, a few demo-preset training steps
(`bench_train.measure`) give what training consumes, and the table reports the loader's margin over it.
`--quick`: 2 subjects x 2 actions x 1 take x 100 frames only, 10k numbers extrapolated (a smoke test).
"""
import argparse, json, os, shutil, tempfile, time
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader

from mvkp.data import MultiViewDataset
from mvkp.synthetic import make_synthetic
from mvkp.train import make_config
from bench_train import measure   # bench/ is on sys.path when this file runs as a script


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob('*') if p.is_file())


def bench_generation(out: Path, workers: int, **kw) -> dict:
    cpu = lambda: sum(os.times()[:4])  # user + system CPU time of this process and its finished children
    t0, c0 = time.perf_counter(), cpu()
    make_synthetic(out, workers=workers, **kw)
    dt, cpu_s = time.perf_counter() - t0, cpu() - c0
    meta = json.loads((out / 'meta.json').read_text())
    p = meta['params']
    frames = len(p['subjects']) * len(p['actions']) * p['takes'] * p['frames_per_seq']
    size = du(out)
    return dict(frames=frames, views=4, image_size=p['size'], workers=workers, seconds=dt, cpu_seconds=cpu_s,
                frames_per_s=frames / dt, views_per_s=4 * frames / dt, views_per_cpu_s=4 * frames / cpu_s, bytes=size, bytes_per_frame=size / frames,
                est_10k_frames_seconds=1e4 * dt / frames, est_10k_frames_gb=1e4 * size / frames / 1e9)


def bench_loader(root: Path, workers: int, appearance: bool, n_batches: int, batch: int = 8) -> dict:
    ds = MultiViewDataset(root, 'train', with_appearance=appearance)
    g = torch.Generator().manual_seed(0)
    dl = DataLoader(ds, batch_size=batch, shuffle=True, num_workers=workers, generator=g,
                    persistent_workers=workers > 0)
    it = iter(dl)
    for _ in range(5): next(it)  # warm-up: worker start, first memmap opens
    t0, n = time.perf_counter(), 0
    for _ in range(n_batches):
        try: b = next(it)
        except StopIteration: it = iter(dl); b = next(it)
        n += b['images'].shape[0] * b['images'].shape[1]
    dt = time.perf_counter() - t0
    del it, dl
    return dict(num_workers=workers, app_images=appearance, batch_frames=batch, views=n, seconds=dt, views_per_s=n / dt)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', default=None, help='where to generate (default: a temporary directory, removed)')
    ap.add_argument('--quick', action='store_true', help='small dataset (smoke test)')
    args = ap.parse_args()
    torch.set_num_threads(1)
    tmp = None if args.out else tempfile.mkdtemp(prefix='mvkp_bench_')
    root = Path(args.out or tmp) / 'synthetic'
    if root.exists(): shutil.rmtree(root)
    try:
        if args.quick: gen = [bench_generation(root, 2, subjects=['S1', 'S9'], actions=['walking', 'greeting'], takes=1, frames_per_seq=100)]
        else: gen = [bench_generation(root, 2)]
        nb = 60 if args.quick else 300
        loads = [bench_loader(root, w, app, nb) for app in (True, False) for w in (0, 2)]
        torch.set_num_threads(os.cpu_count() or 1)   # training as `mvkp.train` runs it
        cfg = make_config('demo')
        train = measure(cfg, MultiViewDataset(root, 'train', seed=cfg.seed, with_next=cfg.w_motion > 0), 10 if args.quick else 40)['views_per_s']
        torch.set_num_threads(1)
    finally:
        if tmp: shutil.rmtree(tmp, ignore_errors=True)
    res = dict(cpu_count=os.cpu_count(), loadavg_after=os.getloadavg(), torch=torch.__version__, numpy=np.__version__, quick=args.quick,
               generation=gen, loader=loads, train_views_per_s=train)
    out = Path(__file__).with_name('results_data.json')
    out.write_text(json.dumps(res, indent=1))
    for g in gen:
        print(f"generation ({g['frames']} frames x 4 views, {g['image_size']} px, {g['workers']} workers): {g['seconds']:.1f} s, "
              f"{g['views_per_s']:.0f} views/s ({g['views_per_cpu_s']:.0f} per CPU-second), "
              f"{g['bytes_per_frame'] / 1e3:.0f} kB/frame on disk ({g['bytes'] / 1e9:.2f} GB)")
    if args.quick: print(f"10k frames (extrapolated linearly): {g['est_10k_frames_seconds']:.0f} s, {g['est_10k_frames_gb']:.2f} GB")
    print(f"{'loader':<28}{'workers':>8}{'views/s':>10}")
    for l in loads:
        print(f"{'batch 8, app_images=' + str(l['app_images']):<28}{l['num_workers']:>8}{l['views_per_s']:>10.0f}")
    best = max(l['views_per_s'] for l in loads if l['app_images'])
    print(f"training (demo preset) consumes {train:.0f} views/s: the loader with appearance images serves {best / train:.1f}x that")
    print(f'wrote {out}')


if __name__ == '__main__': main()
