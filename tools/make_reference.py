"""Copy a finished training run into `reference/`: the trained model that ships with the repository.

Kept: config.json (with `data` removed, so evaluation uses the synthetic benchmark from the cache), model.pt (weights
only), log.csv, results.json, report.md and its figures. Checkpoints with optimiser state (last.pt) are not kept.
The folder is written next to its destination and renamed into place, so a failed copy leaves the old reference.
Usage: python tools/make_reference.py RUN_DIR [--out reference]
"""
import json, shutil, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = ('model.pt', 'log.csv', 'results.json', 'report.md', 'per_joint.png', 'views.png', 'skeleton3d.png')
MAX_BYTES = 5_000_000


def make_reference(run: Path, out: Path) -> Path:
    missing = [f for f in ('config.json',) + FILES if not (run / f).is_file()]
    if missing: raise SystemExit(f'make_reference: {run} lacks {", ".join(missing)} (train to the end, then evaluate the run)')
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix='.reference-'))
    cfg = json.loads((run / 'config.json').read_text()); cfg.pop('data', None)
    (tmp / 'config.json').write_text(json.dumps(cfg, indent=1) + '\n')
    res = json.loads((run / 'results.json').read_text())
    res.get('info', {}).update(run='reference', data='synthetic benchmark (default)')
    (tmp / 'results.json').write_text(json.dumps(res, indent=1) + '\n')
    report = (run / 'report.md').read_text().splitlines(True)
    (tmp / 'report.md').write_text(''.join(['# mvkp evaluation: `reference`\n'] + report[1:]))
    for f in FILES:
        if f not in ('results.json', 'report.md'): shutil.copy2(run / f, tmp / f)
    size = sum(p.stat().st_size for p in tmp.iterdir())
    if size > MAX_BYTES:
        shutil.rmtree(tmp); raise SystemExit(f'make_reference: {size / 1e6:.1f} MB is over the {MAX_BYTES / 1e6:.0f} MB limit')
    if out.exists(): shutil.rmtree(out)
    tmp.rename(out)
    return out


if __name__ == '__main__':
    args = sys.argv[1:]
    if not args or args[0].startswith('-'): raise SystemExit(__doc__)
    out = Path(args[args.index('--out') + 1]) if '--out' in args else ROOT / 'reference'
    print(make_reference(Path(args[0]), out))
