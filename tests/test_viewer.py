"""`mvkp.viewer` without a browser: build the widgets, change slider and toggles, check what is drawn."""
import csv
import os

os.environ.setdefault('MPLBACKEND', 'Agg')
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from mvkp.data import MultiViewDataset, DataError
from mvkp.train import load_run
from mvkp.synthetic import make_synthetic, TINY
from mvkp.train import make_config, train
from mvkp.viewer import Viewer, TrainingCurves, render, frame_data, read_log, DEFAULTS, torch_threads


@pytest.fixture(scope='module')
def tiny_run(tmp_path_factory):
    "A tiny dataset and a 4-step run (a few seconds)."
    d = tmp_path_factory.mktemp('viewer')
    data = make_synthetic(d / 'tiny', **TINY, workers=1)
    cfg = make_config('smoke', steps=4, batch_frames=2, n_kpts=8, width=8, det_width=8, crop_size=32, det_size=32,
                      mask_res=16, workers=0, fig_every=0, ckpt_every=4, warmup=1, log_every=1)
    with torch_threads(1): train(cfg, data, d / 'run', progress=False)
    return data, d / 'run'


@pytest.fixture(scope='module')
def viewer(tiny_run):
    return Viewer(tiny_run[1], figsize=(6, 4))


@pytest.fixture(autouse=True)
def reset(request):
    "Each test starts from the default options at frame 0 (no-op for tests that do not use `viewer`)."
    if 'viewer' in request.fixturenames:
        v = request.getfixturevalue('viewer')
        v.set(frame=0, **DEFAULTS)
    yield


def artists(fig, label, gid):
    ax = [a for a in fig.axes if a.get_label() == label]
    assert len(ax) == 1, f'no axes {label!r} in {[a.get_label() for a in fig.axes]}'
    return [c for c in ax[0].get_children() if c.get_gid() == gid]


def reference(run_dir, i):
    "The run's outputs for test item `i`, computed here independently of the viewer."
    cfg, model, data = load_run(run_dir)
    item = MultiViewDataset(data, 'test', seed=cfg.seed)[i]
    with torch.no_grad(), torch_threads(1):
        out = model({k: item[k][None] for k in ('images', 'backgrounds', 'app_images', 'P')})
    return {k: v[0].numpy() for k, v in out.items()}


def test_keypoints_drawn_are_the_models(viewer, tiny_run):
    for i in (0, 13):
        viewer.slider.value = i
        ref = reference(tiny_run[1], i)
        for v in range(4):
            sc, = artists(viewer.fig, f'frame{v}', 'kpts')
            np.testing.assert_allclose(sc.get_offsets(), ref['x2d'][v], atol=1e-4, err_msg=f'item {i} view {v}')
        sc3, = artists(viewer.fig, '3d', 'kpts3d')
        np.testing.assert_allclose(np.stack(sc3._offsets3d, -1), ref['X'], rtol=1e-4, atol=1e-2)


def test_slider_changes_the_image(viewer):
    img = lambda: artists(viewer.fig, 'frame1', 'image')[0].get_array()
    a = np.array(img())
    viewer.slider.value = 9
    b = np.array(img())
    assert not np.array_equal(a, b), 'moving the slider must change the displayed frame'
    np.testing.assert_array_equal(b, viewer.ds[9]['images'][1].permute(1, 2, 0).numpy())
    assert '(item 9)' in viewer.fig._suptitle.get_text()


def test_play_drives_the_slider(viewer):
    n = viewer.n_draws
    viewer.play.value = 4
    assert viewer.slider.value == 4 and viewer.n_draws == n + 1
    np.testing.assert_array_equal(artists(viewer.fig, 'frame0', 'image')[0].get_array(),
                                  viewer.ds[4]['images'][0].permute(1, 2, 0).numpy())


def test_gt_toggle_removes_its_artists(viewer):
    j = viewer.ds[0]['joints2d'].numpy()
    gt = artists(viewer.fig, 'frame2', 'gt')
    assert len(gt) == 2 and artists(viewer.fig, '3d', 'gt3d')
    np.testing.assert_allclose(gt[1].get_offsets(), j[2])                      # GT joints of view 2, pixels
    viewer.checks['gt'].value = False
    assert all(not artists(viewer.fig, f'frame{v}', 'gt') for v in range(4)) and not artists(viewer.fig, '3d', 'gt3d')
    viewer.checks['gt'].value = True
    assert artists(viewer.fig, 'frame2', 'gt') and artists(viewer.fig, '3d', 'gt3d')


def test_keypoint_selector_highlights_everywhere(viewer):
    k = 5
    viewer.kpt.value = k
    p = viewer.outputs(0)
    for v in range(4):
        sc, = artists(viewer.fig, f'frame{v}', 'kpts')
        s, a = sc.get_sizes(), sc.get_facecolors()[:, 3]
        assert s.argmax() == k and (s[k] > s[np.arange(8) != k]).all(), f'view {v}: sizes {s}'
        assert a[k] == 1 and (a[np.arange(8) != k] < 1).all(), f'view {v}: alphas {a}'
        ring, = artists(viewer.fig, f'frame{v}', 'selected')
        np.testing.assert_allclose(ring.get_xydata()[0], p['x2d'][v, k])
    ring3, = artists(viewer.fig, '3d', 'selected3d')
    np.testing.assert_allclose(np.ravel(ring3.get_data_3d()), p['X'][k])
    viewer.kpt.value = -1                                                     # 'all': no highlight
    sc, = artists(viewer.fig, 'frame0', 'kpts')
    assert len(set(sc.get_sizes())) == 1 and not artists(viewer.fig, 'frame0', 'selected')


def test_layer_toggles(viewer):
    p = viewer.outputs(0)
    viewer.image.value = 'reconstruction'
    np.testing.assert_array_equal(artists(viewer.fig, 'frame3', 'image')[0].get_array(), p['I_tilde'][3])
    viewer.image.value = 'background'
    np.testing.assert_array_equal(artists(viewer.fig, 'frame3', 'image')[0].get_array(),
                                  viewer.ds[0]['backgrounds'][3].permute(1, 2, 0).numpy())
    viewer.image.value = 'none'
    assert not artists(viewer.fig, 'frame3', 'image')
    viewer.overlay.value = 'both'
    np.testing.assert_allclose(artists(viewer.fig, 'frame1', 'overlay_M')[0].get_array()[..., 3], .6 * p['M_frame'][1])
    np.testing.assert_allclose(artists(viewer.fig, 'frame1', 'overlay_phi')[0].get_array()[..., 3],
                               .6 * np.clip(p['phi_frame'][1], 0, 1))
    box, = artists(viewer.fig, 'frame1', 'box')
    x0, y0, x1, y1 = p['box_px'][1]
    np.testing.assert_allclose([box.get_x(), box.get_y(), box.get_width(), box.get_height()], [x0, y0, x1 - x0, y1 - y0])
    viewer.checks['box'].value = False; assert not artists(viewer.fig, 'frame1', 'box')
    viewer.checks['reproj'].value = True
    np.testing.assert_allclose(artists(viewer.fig, 'frame1', 'reproj')[0].get_offsets(), p['x_hat'][1], atol=1e-4)
    viewer.checks['keypoints'].value = False
    assert not artists(viewer.fig, 'frame1', 'kpts') and not artists(viewer.fig, '3d', 'kpts3d')
    masks, = artists(viewer.fig, 'masks2', 'masks')
    np.testing.assert_allclose(masks.get_array()[..., 0], np.clip(p['M'][2], 0, 1))          # red: M, crop space
    np.testing.assert_allclose(masks.get_array()[::2, ::2, 1], np.clip(p['phi'][2], 0, 1))   # green: phi (S = 2 r)
    np.testing.assert_array_equal(artists(viewer.fig, 'recon0', 'recon')[0].get_array(), p['I_tilde'][0])
    viewer.set(recon=False, masks=False, plot3d=False)
    assert [a.get_label() for a in viewer.fig.axes] == [f'frame{v}' for v in range(4)]


def test_outputs_lazy_cached_no_grad(tiny_run, monkeypatch):
    import mvkp.viewer as mv
    calls, grad = [], []
    orig = mv.model_outputs
    def counting(model, item):
        calls.append(int(item['frame_idx']))
        h = model.register_forward_hook(lambda *a: grad.append(torch.is_grad_enabled()))
        try: return orig(model, item)
        finally: h.remove()
    monkeypatch.setattr(mv, 'model_outputs', counting)
    v = Viewer(tiny_run[1], cache=2, figsize=(4, 3))
    assert calls == [0], 'only the displayed frame is computed'
    for i in (1, 0, 2, 1):
        v.slider.value = i
    v.checks['gt'].value = False                              # a redraw of the same frame: from the cache
    assert calls == [0, 1, 2, 1] and grad == [False] * 4 and not v.model.training
    assert v.outputs.cache_info().currsize == 2


def test_no_figures_leak(viewer):
    n = len(plt.get_fignums())
    for i in range(6):
        viewer.slider.value = i
    assert len(plt.get_fignums()) == n


def test_dataset_only(tiny_run):
    v = Viewer(data=tiny_run[0], split='train', figsize=(4, 2))
    assert v.model is None and len(v.ds) == 20
    assert v.checks['keypoints'].disabled and v.overlay.disabled and v.kpt.disabled and not v.checks['gt'].disabled
    assert 'reconstruction' not in v.image.options
    assert artists(v.fig, 'frame0', 'gt') and artists(v.fig, '3d', 'gt3d') and not artists(v.fig, 'frame0', 'kpts')
    v.slider.value = 3
    np.testing.assert_allclose(artists(v.fig, 'frame0', 'gt')[1].get_offsets(), v.ds[3]['joints2d'][0].numpy())


def test_render_is_pure(tiny_run):
    ds = MultiViewDataset(tiny_run[0], 'test', with_appearance=False)
    fr = frame_data(ds, 2)
    a, b = render(fr, dict(kpt=3)), render(fr, dict(kpt=3))
    try:
        assert [x.get_label() for x in a.axes] == [x.get_label() for x in b.axes] == ['frame0', 'frame1', 'frame2', 'frame3', '3d']
        assert fr['pred'] is None and '(item 2)' in a._suptitle.get_text()
    finally:
        plt.close(a); plt.close(b)


def test_errors(tmp_path, tiny_run):
    with pytest.raises(ValueError, match='pass data='): Viewer()
    with pytest.raises(FileNotFoundError, match='config.json'): Viewer(tmp_path)
    with pytest.raises(DataError, match='unknown split'): Viewer(data=tiny_run[0], split='nope')
    fr = frame_data(MultiViewDataset(tiny_run[0], 'test'), 0)
    with pytest.raises(ValueError, match='unknown options'): render(fr, dict(keypoint=3))
    with pytest.raises(ValueError, match='image='): render(fr, dict(image='I~'))


def test_training_curves(tiny_run, tmp_path):
    run = tiny_run[1]
    rows = list(csv.DictReader(open(run / 'log.csv')))
    tc = TrainingCurves(run)
    lines = lambda: {l.get_gid(): l for l in tc.fig.axes[0].lines}
    assert set(lines()) == {'total', 'reconst', 'mask', 'coverage', 'concentration', 'centering'}
    np.testing.assert_allclose(lines()['coverage'].get_ydata(), [float(r['coverage']) for r in rows])
    np.testing.assert_allclose(lines()['coverage'].get_xdata(), [1, 2, 3, 4])
    assert 'views_per_s' in tc.terms.options and 'step' not in tc.terms.options
    tc.terms.value = ('mask', 'lr')
    assert set(lines()) == {'mask', 'lr'}
    tc.logy.value = True
    assert tc.fig.axes[0].get_yscale() == 'log'
    # a run still writing: a new row appears after refresh, the selection is kept
    (tmp_path / 'log.csv').write_text(open(run / 'log.csv').read())
    tc2 = TrainingCurves(tmp_path, terms=('total',))
    with open(tmp_path / 'log.csv', 'a') as f: f.write(','.join(['5'] + ['0.25'] * (len(rows[0]) - 1)) + '\n')
    ln = tc2.fig.axes[0].lines
    assert len(ln) == 1 and len(ln[0].get_xdata()) == 4
    tc2.button.click()
    assert tc2.terms.value == ('total',) and list(tc2.fig.axes[0].lines[0].get_xdata())[-1] == 5
    assert read_log(tmp_path)['total'][-1] == .25


def test_training_curves_before_the_first_row(tmp_path):
    tc = TrainingCurves(tmp_path)                       # no log.csv yet: an empty plot, no error
    assert not tc.fig.axes[0].lines and 'no log rows yet' in tc.fig.axes[0].texts[0].get_text()
