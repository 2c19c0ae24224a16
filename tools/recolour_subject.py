"""Re-render one subject of the synthetic benchmark in other clothes: same body, motion, cameras and sensor noise.

    python tools/recolour_subject.py --data data/synthetic --out data/s11_as_s9 --subject S11 --colours S9
    python tools/recolour_subject.py --data data/synthetic --out data/s11_short --subject S11 --sleeves short
    python tools/recolour_subject.py --data data/synthetic --out data/s11_tr --subject S11 --colours S9 --only trousers

writes a dataset folder `--out` whose other subjects are links to `--data`'s, with `--subject` rendered again in the
colours of subject `--colours` (skin, hair, shirt, trousers, shoes, sleeves) and / or with short (skin) or long (shirt)
sleeves. Only the body's pixels change (joints, masks, boxes are identical). Then
`python -m mvkp.evaluate RUN --data OUT --out FOLDER --no-untrained --no-oracle` says how much of a test subject's error
comes from what it wears (`diagnostics.per_subject` in `results.json`).
"""
import argparse, json, os, shutil, sys, tempfile
from pathlib import Path

import mvkp.synthetic as S


def recoloured(shape:dict, # `body_shape` of the subject
               colours:dict|None=None, # another subject's `body_shape(...)['colours']`, or None: keep its own
               sleeves:str|None=None, # 'short' (skin), 'long' (the shirt's colour) or None: as `colours` has them
               only:tuple|None=None, # take only these entries of `colours` (e.g. ('trousers',)); None: all of them
              ) -> dict: # a copy of `shape` with the new colours (nothing else changes)
    c = dict(shape['colours'])
    if colours is not None: c.update({k: v for k, v in colours.items() if only is None or k in only})
    if sleeves is not None: c['sleeve'] = c['skin'] if sleeves == 'short' else c['shirt']
    return dict(shape, colours=c)


def fail(msg): sys.exit(f'recolour_subject: {msg}')


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data', default='data/synthetic', help='a synthetic dataset (made by `python -m mvkp.synthetic`)')
    p.add_argument('--out', required=True, help='new dataset folder (must not exist)')
    p.add_argument('--subject', default='S11', help='subject to render again')
    p.add_argument('--colours', default=None, help="take this subject's colours")
    p.add_argument('--only', default=None, help="comma-separated colours to take from --colours (default: all): "
                   "skin, hair, shirt, trousers, shoes, sleeve")
    p.add_argument('--sleeves', default=None, choices=['short', 'long'])
    a = p.parse_args(argv)
    src, out = Path(a.data), Path(a.out)
    try: meta = json.loads((src / 'meta.json').read_text())
    except (OSError, ValueError): fail(f'--data {src}: expected a synthetic dataset folder with meta.json')
    if meta.get('source') != 'synthetic': fail(f'--data {src}: expected a synthetic dataset, found {meta.get("source")!r}')
    prm = meta['params']
    if a.subject not in prm['subjects']: fail(f'--subject {a.subject}: expected one of {", ".join(prm["subjects"])}')
    if a.colours is not None and a.colours not in S.SUBJECTS: fail(f'--colours {a.colours}: expected one of {", ".join(S.SUBJECTS)}')
    if a.colours is None and a.sleeves is None: fail('give --colours and / or --sleeves: nothing to change')
    only = None if a.only is None else tuple(x.strip() for x in a.only.split(','))
    if only is not None and (a.colours is None or not set(only) <= set(S.body_shape(a.colours)['colours'])):
        fail(f'--only {a.only}: expected --colours and a comma-separated subset of {", ".join(S.body_shape("S1")["colours"])}')
    if out.exists(): fail(f'--out {out}: exists; refusing to overwrite it')
    own = S.body_shape
    colours = None if a.colours is None else own(a.colours, prm['seed'])['colours']
    S.body_shape = lambda s, seed=0: recoloured(own(s, seed), colours, a.sleeves, only) if s == a.subject else own(s, seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f'.{out.name}.', suffix='.tmp', dir=out.parent))
    try:
        one = S.make_synthetic(tmp / 'one', frames_per_seq=prm['frames_per_seq'], actions=prm['actions'], takes=prm['takes'],
                               size=prm['size'], seed=prm['seed'], subjects=[a.subject], aa=prm['aa'], noise=prm['noise'],
                               fps=prm['fps'], workers=1)   # in this process: the renderer sees the patched `body_shape`
        (tmp / 'set').mkdir()
        shutil.move(str(one / a.subject), str(tmp / 'set' / a.subject))
        for s in prm['subjects']:
            if s != a.subject: os.symlink((src / s).resolve(), tmp / 'set' / s)
        shutil.copy(src / 'meta.json', tmp / 'set' / 'meta.json')
        os.rename(tmp / 'set', out)
    finally:
        S.body_shape = own
        shutil.rmtree(tmp, ignore_errors=True)
    print(f'wrote {out}: {a.subject} in {a.colours or "its own"} colours' + (f' ({a.only} only)' if only else '')
          + (f', {a.sleeves} sleeves' if a.sleeves else ''))


if __name__ == '__main__': main()
