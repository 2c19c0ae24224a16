"""Training-step benchmark: step time, views/s and the share of each part, measured in one run.

    python bench/bench_train.py [--preset demo] [--steps 60] [--data DIR] [--out bench/results_train.json]

Parts: data (DataLoader, as configured), forward regions of `mvkp.model` (detector+crop, encoder, triangulation,
decoder, composite, phi; named with torch.profiler.record_function), losses, backward, optimizer step. Forward
regions are measured with the profiler on a few extra steps; all other figures are wall-clock without the profiler.
Variants are timed in interleaved rounds (`--rounds`, default 3) and the best round of each counts, so that a slow
spell of a shared machine does not land on one variant. Also compares the defaults beyond the paper switched off (`w_motion=0`, `hide_bg=False`), channels_last, bf16 autocast (`cpu_amp`, on CPUs with native bf16) and (if asked) torch.compile
against the default, as ratios in the same run.
"""
import argparse, json, os, resource, sys, time
from pathlib import Path

import torch
from torch.utils.data import DataLoader
from torch.profiler import profile, ProfilerActivity

from mvkp.data import MultiViewDataset
from mvkp.model import MVKP, compute_losses
from mvkp.train import make_config, default_data, StepSampler, to_device, amp_context, cpu_has_bf16

REGIONS = ['detector', 'encoder', 'triangulation', 'decoder', 'composite', 'phi']


def step_parts(fwd, model, opt, batch):
    t0 = time.perf_counter()
    with amp_context(model.cfg, 'cpu'): out = fwd(batch)     # as mvkp.train: forward under autocast, losses in fp32
    t1 = time.perf_counter(); loss, _ = compute_losses(model, batch, out)
    t2 = time.perf_counter(); opt.zero_grad(set_to_none=True); loss.backward()
    t3 = time.perf_counter(); opt.step()
    t4 = time.perf_counter()
    return dict(forward=t1 - t0, losses=t2 - t1, backward=t3 - t2, optimizer=t4 - t3)


def measure(cfg, ds, steps, warmup=10):
    torch.manual_seed(0)
    model = MVKP(cfg)
    if cfg.channels_last: model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=cfg.lr)
    fwd = torch.compile(model) if cfg.compile else model
    dl = DataLoader(ds, batch_sampler=StepSampler(len(ds), cfg.batch_frames, steps + warmup, seed=0),
                    num_workers=cfg.workers, prefetch_factor=4 if cfg.workers else None)
    it, acc, n = iter(dl), {}, 0
    t_start = None
    for k in range(steps + warmup):
        t = time.perf_counter(); batch = to_device(next(it), 'cpu'); t_data = time.perf_counter() - t
        parts = step_parts(fwd, model, opt, batch); parts['data_wait'] = t_data
        if k == warmup: t_start = time.perf_counter()
        if k >= warmup:
            n += 1
            for key, v in parts.items(): acc[key] = acc.get(key, 0.) + v
    wall = (time.perf_counter() - t_start) / n
    res = {k: v / n for k, v in acc.items()}
    res['step'] = wall
    res['views_per_s'] = cfg.batch_frames * len(ds.views) / wall
    # forward regions, with the profiler, on a few more steps
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(3):
            batch = ds_batch(ds, cfg.batch_frames)
            with amp_context(cfg, 'cpu'): out = model(batch)
            loss, _ = compute_losses(model, batch, out)
    ev = {e.key: e.cpu_time_total / 1e6 / 3 for e in prof.key_averages() if e.key in REGIONS}
    tot = sum(ev.values())
    res['forward_regions_share'] = {k: ev.get(k, 0.) / tot for k in REGIONS}
    return res


def ds_batch(ds, b):
    from torch.utils.data import default_collate
    return default_collate([ds[i] for i in range(b)])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--preset', default='demo'); p.add_argument('--steps', type=int, default=60)
    p.add_argument('--data', default=None); p.add_argument('--out', default='bench/results_train.json')
    p.add_argument('--compile', action='store_true', help='also time torch.compile')
    p.add_argument('--rounds', type=int, default=3, help='variants are timed in turn, this many rounds; the best round counts')
    a = p.parse_args()
    data = Path(a.data) if a.data else default_data(os.environ.get('MVKP_CACHE', Path.home() / '.cache' / 'mvkp'))
    cfg = make_config(a.preset)
    dsets = {w: MultiViewDataset(data, 'train', seed=0, labels=False, with_next=w) for w in (False, True)}
    ds_for = lambda c: dsets[c.w_motion > 0]                                   # as mvkp.train: the next frame only if w_motion
    ds = ds_for(cfg)
    variants = {'default': {}, f'channels_last={not cfg.channels_last}': dict(channels_last=not cfg.channels_last)}
    if cfg.w_motion > 0: variants['w_motion=0'] = dict(w_motion=0.)            # what motion weighting costs per step
    if cfg.hide_bg: variants['hide_bg=False'] = dict(hide_bg=False)            # what hiding the room costs
    if cpu_has_bf16(): variants['cpu_amp=False'] = dict(cpu_amp=False)            # fp32 on this CPU
    if a.compile: variants['compile'] = dict(compile=True)
    results, rounds = {}, {}
    for r in range(a.rounds):      # interleaved rounds: a slow spell of the machine hits every variant, not one
        for name, over in variants.items():
            c = make_config(a.preset, **over)
            res = measure(c, ds_for(c), a.steps)
            rounds.setdefault(name, []).append(res['step'])
            if name not in results or res['step'] < results[name]['step']: results[name] = res
            print(f"round {r}  {name:20s} step {1000 * res['step']:7.1f} ms   {res['views_per_s']:6.1f} views/s", flush=True)
    print('\nbest of the rounds:')
    for name, res in results.items():
        res['step_rounds'] = rounds[name]
        print(f"{name:20s} step {1000 * res['step']:7.1f} ms   {res['views_per_s']:6.1f} views/s   "
              f"(rounds: {', '.join(f'{1000 * t:.1f}' for t in rounds[name])})")
    base = results['default']
    shares = {k: base[k] / base['step'] for k in ('data_wait', 'forward', 'losses', 'backward', 'optimizer')}
    print('\nshare of a step (default):')
    for k, v in shares.items(): print(f'  {k:12s} {100 * v:5.1f} %')
    print('forward split by region:')
    for k, v in base['forward_regions_share'].items(): print(f'  {k:14s} {100 * v:5.1f} % of forward')
    ratios = {k: results[k]['step'] / base['step'] for k in results}
    print('step time ratio vs default:', {k: round(v, 2) for k, v in ratios.items()})
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f'peak RSS of this process: {peak_mb:.0f} MB')
    info = dict(preset=a.preset, steps=a.steps, rounds=a.rounds, batch_frames=cfg.batch_frames, views=len(ds.views), crop=cfg.crop_size, width=cfg.width,
                n_kpts=cfg.n_kpts, bf16_native=cpu_has_bf16(), threads=torch.get_num_threads(), cpu=os.cpu_count(), torch=torch.__version__)
    out = dict(info=info, results=results, shares=shares, ratios=ratios, peak_rss_mb=peak_mb)
    Path(a.out).write_text(json.dumps(out, indent=1))


if __name__ == '__main__':
    main()
