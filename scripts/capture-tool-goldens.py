#!/usr/bin/env python3
"""Regenerates crates/tools/tests/golden/<variant>.json from the reference binary.

For each variant (a set of `codex exec` flags) and each of six models, runs the
reference against the parity mock model (../shared/parity/mockmodel.py), takes
the `tools` array and `parallel_tool_calls` of the first request, masks every
`description` string as "<TEXT>" and every grammar `definition` as its SHA-256,
and writes one file per variant (identical arrays shared under `tool_sets`).
`features` and `settings` in each file tell the Rust test how to rebuild the
same configuration. Review the diff before committing.

Usage: scripts/capture-tool-goldens.py [VARIANT...]
The reference binary is $CODEX_REF (default: the unpacked 0.136.0 npm package);
the mock is found through $PARITY_DIR (default: ../shared/parity). CODEX_HOME
directories are created under $HOME (codex behaves differently under /tmp).
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.environ.get('CODEX_REF', os.path.expanduser(
    '~/.cache/recodex-ref/0.136.0/package/vendor/x86_64-unknown-linux-musl/bin/codex'))
sys.path.insert(0, os.environ.get('PARITY_DIR', os.path.join(ROOT, '..', 'shared', 'parity')))
from mockmodel import MockModel  # noqa: E402

OUT = os.path.join(ROOT, 'crates', 'tools', 'tests', 'golden')
MODELS = ['gpt-5.5', 'gpt-5.4', 'gpt-5.4-mini', 'gpt-5.3-codex', 'gpt-5.2', 'gpt-5.1-codex']


def V(argv, features=None, **settings):
    return {'argv': argv, 'features': features or {}, 'settings': settings}


LIVE_OPTIONS = {'context_size': 'high', 'allowed_domains': ['example.com', 'docs.rs'],
                'location': {'country': 'US', 'region': 'CA', 'city': 'Paris', 'timezone': 'UTC'}}
VARIANTS = {
    'default': V([]),
    'unified_exec-on': V(['--enable', 'unified_exec'], {'unified_exec': True}),
    'unified_exec-off': V(['--disable', 'unified_exec'], {'unified_exec': False}),
    'shell_tool-on': V(['--enable', 'shell_tool'], {'shell_tool': True}),
    'shell_tool-off': V(['--disable', 'shell_tool'], {'shell_tool': False}),
    'shell_tool-off-unified_exec-off': V(['--disable', 'shell_tool', '--disable', 'unified_exec'],
                                         {'shell_tool': False, 'unified_exec': False}),
    'multi_agent-on': V(['--enable', 'multi_agent'], {'multi_agent': True}),
    'multi_agent-off': V(['--disable', 'multi_agent'], {'multi_agent': False}),
    'goals-on': V(['--enable', 'goals'], {'goals': True}),
    'goals-off': V(['--disable', 'goals'], {'goals': False}),
    'web_search-live': V(['-c', 'web_search="live"'], web_search='live'),
    'web_search-cached': V(['-c', 'web_search="cached"'], web_search='cached'),
    'web_search-disabled': V(['-c', 'web_search="disabled"'], web_search='disabled'),
    'web_search-live-options': V(['-c', 'web_search="live"', '-c', 'tools.web_search={context_size="high",'
                                  'allowed_domains=["example.com","docs.rs"],location={country="US",region="CA",'
                                  'city="Paris",timezone="UTC"}}'],
                                 web_search='live', web_search_config=LIVE_OPTIONS),
    'web_search-cached-options': V(['-c', 'tools.web_search={context_size="low",location={city="Oslo"}}'],
                                   web_search_config={'context_size': 'low', 'location': {'city': 'Oslo'}}),
    'web_search_request-on': V(['--enable', 'web_search_request'], {'web_search_request': True}),
    'web_search_cached-on': V(['--enable', 'web_search_cached'], {'web_search_cached': True}),
    'sandbox-danger-full-access': V(['-s', 'danger-full-access'], sandbox='danger-full-access'),
    'sandbox-danger-full-access-search-disabled': V(['-s', 'danger-full-access', '-c', 'web_search="disabled"'],
                                                    sandbox='danger-full-access', web_search='disabled'),
    'sandbox-read-only': V(['-s', 'read-only'], sandbox='read-only'),
    'allow_login_shell-off': V(['-c', 'allow_login_shell=false'], allow_login_shell=False),
    'exec_permission_approvals-on': V(['--enable', 'exec_permission_approvals'], {'exec_permission_approvals': True}),
    'shell_command-permissions-nologin': V(['--disable', 'unified_exec', '--enable', 'exec_permission_approvals',
                                            '-c', 'allow_login_shell=false'],
                                           {'unified_exec': False, 'exec_permission_approvals': True},
                                           allow_login_shell=False),
    'request_permissions_tool-on': V(['--enable', 'request_permissions_tool'], {'request_permissions_tool': True}),
    'request_user_input-off': V(['-c', 'tools.experimental_request_user_input={enabled=false}'],
                                request_user_input=False),
    'default_mode_request_user_input-on': V(['--enable', 'default_mode_request_user_input'],
                                            {'default_mode_request_user_input': True}),
    'multi_agent_v2-on': V(['--enable', 'multi_agent_v2'], {'multi_agent_v2': True}),
    'multi_agent_v2-on-multi_agent-off': V(['--enable', 'multi_agent_v2', '--disable', 'multi_agent'],
                                           {'multi_agent_v2': True, 'multi_agent': False}),
    'enable_fanout-on': V(['--enable', 'enable_fanout'], {'enable_fanout': True}),
    'enable_fanout-on-multi_agent-off': V(['--enable', 'enable_fanout', '--disable', 'multi_agent'],
                                          {'enable_fanout': True, 'multi_agent': False}),
    'shell_zsh_fork-on': V(['--enable', 'shell_zsh_fork'], {'shell_zsh_fork': True}),
    'apply_patch_freeform-on': V(['--enable', 'apply_patch_freeform'], {'apply_patch_freeform': True}),
}


def mask(v):
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if k == 'description' and isinstance(x, str):
                out[k] = '<TEXT>'
            elif k == 'definition' and isinstance(x, str):
                out[k] = 'sha256:' + hashlib.sha256(x.encode()).hexdigest()
            else:
                out[k] = mask(x)
        return out
    if isinstance(v, list):
        return [mask(x) for x in v]
    return v


def run(model, argv):
    home = tempfile.mkdtemp(prefix='tool-goldens-', dir=os.path.expanduser('~'))
    try:
        codex_home = os.path.join(home, 'codex')
        ws = os.path.join(home, 'ws')
        os.makedirs(codex_home)
        os.makedirs(ws)
        with MockModel([{'events': [{'message': 'ok'}], 'repeat': 10}]) as mock:
            with open(os.path.join(codex_home, 'config.toml'), 'w') as f:
                f.write(f'model = "{model}"\nmodel_provider = "mock"\n\n'
                        f'[model_providers.mock]\nname = "mock"\nbase_url = "{mock.base_url}"\n'
                        'wire_api = "responses"\nenv_key = "MOCK_KEY"\nrequest_max_retries = 0\n'
                        f'stream_max_retries = 0\n\n[projects."{ws}"]\ntrust_level = "trusted"\n')
            env = {'HOME': home, 'PATH': '/usr/local/bin:/usr/bin:/bin', 'TERM': 'dumb',
                   'CODEX_HOME': codex_home, 'MOCK_KEY': 'sk-test', 'LANG': 'C.UTF-8'}
            proc = subprocess.run([REF, 'exec', '--json', '--skip-git-repo-check'] + argv + ['hi'],
                                  cwd=ws, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
            posts = [r for r in mock.requests
                     if r['method'] == 'POST' and r['path'].rstrip('/').endswith('/responses')]
        if proc.returncode != 0 or not posts:
            raise SystemExit(f'{model} {argv}: exit {proc.returncode}: {proc.stderr.decode()[-500:]}')
        body = posts[0]['body']
        return body['parallel_tool_calls'], mask(body['tools'])
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main(names):
    jobs = [(m, v) for v in names for m in MODELS]
    with ThreadPoolExecutor(2) as pool:
        results = dict(zip(jobs, pool.map(lambda j: run(j[0], VARIANTS[j[1]]['argv']), jobs)))
    for name in names:
        sets, models = {}, {}
        for model in MODELS:
            ptc, tools = results[(model, name)]
            key = json.dumps(tools, sort_keys=True)
            if key not in sets:
                sets[key] = (chr(ord('A') + len(sets)), tools)
            models[model] = {'parallel_tool_calls': ptc, 'tools': sets[key][0]}
        variant = VARIANTS[name]
        doc = {'reference': 'codex-cli 0.136.0', 'argv': ['exec'] + variant['argv'],
               'features': variant['features'], 'settings': variant['settings'],
               'models': models, 'tool_sets': {k: t for k, t in sets.values()}}
        with open(os.path.join(OUT, name + '.json'), 'w') as f:
            json.dump(doc, f, indent=1)
            f.write('\n')
        print(name, {m: v['tools'] for m, v in models.items()})


if __name__ == '__main__':
    unknown = [n for n in sys.argv[1:] if n not in VARIANTS]
    if unknown:
        raise SystemExit(f'unknown variants: {unknown}')
    main(sys.argv[1:] or list(VARIANTS))
