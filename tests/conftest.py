import pytest


def pytest_addoption(parser):
    parser.addoption('--runslow', action='store_true', default=False, help='run tests marked slow')
    parser.addoption('--runbrowser', action='store_true', default=False, help='run tests that need Chromium')


def pytest_configure(config):
    config.addinivalue_line('markers', 'slow: long test (training runs); run with --runslow')
    config.addinivalue_line('markers', 'browser: needs Debian chromium; run with --runbrowser')


def pytest_collection_modifyitems(config, items):
    for name in ('slow', 'browser'):
        if config.getoption(f'--run{name}'): continue
        skip = pytest.mark.skip(reason=f'{name} test: pass --run{name} to run it')
        for item in items:
            if name in item.keywords: item.add_marker(skip)
