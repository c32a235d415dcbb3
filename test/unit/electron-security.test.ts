import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  appFileFor,
  CONTENT_SECURITY_POLICY,
  isPermissionGranted,
  isTrustedSender,
  keyProtection,
  originOf,
  rendererSource,
} from '../../src-main/electron/security.js';

const packaged = rendererSource(true, 'http://localhost:5173');
const dev = rendererSource(false, 'http://localhost:5173');

describe('desktop shell: where the console comes from', () => {
  const cases: Array<[boolean, string | undefined, string, string]> = [
    [true, 'http://localhost:5173', APP_ENTRY_URL, APP_ORIGIN], // packaged: the environment never chooses the page
    [true, undefined, APP_ENTRY_URL, APP_ORIGIN],
    [false, undefined, APP_ENTRY_URL, APP_ORIGIN],
    [false, 'http://localhost:5173/', 'http://localhost:5173/', 'http://localhost:5173'],
    [false, 'http://127.0.0.1:5173', 'http://127.0.0.1:5173', 'http://127.0.0.1:5173'],
    [false, 'https://evil.example/', APP_ENTRY_URL, APP_ORIGIN], // a dev URL off this machine is ignored
    [false, 'file:///tmp/x.html', APP_ENTRY_URL, APP_ORIGIN],
    [false, 'not a url', APP_ENTRY_URL, APP_ORIGIN],
  ];
  for (const [isPackaged, devUrl, url, origin] of cases) {
    test(`packaged=${isPackaged} ELECTRON_RENDERER_URL=${devUrl ?? '-'} → ${url}`, () => {
      const source = rendererSource(isPackaged, devUrl);
      assert.equal(source.url, url);
      assert.equal(source.origin, origin);
    });
  }

  test('origins of custom schemes are the scheme and host, not "null"', () => {
    assert.equal(originOf('vigil-app://console/index.html#live'), 'vigil-app://console');
    assert.equal(originOf('vigil-app://other/index.html'), 'vigil-app://other');
    assert.equal(originOf('https://a.example:8443/x'), 'https://a.example:8443');
    assert.equal(originOf('about:blank'), null);
    assert.equal(originOf('::'), null);
  });
});

describe('desktop shell: which frames may call the engine', () => {
  const ours = { isMainFrame: true, fromOurWindow: true };
  const cases: Array<[string, Parameters<typeof isTrustedSender>[0], boolean]> = [
    ['the console', { ...ours, frameUrl: 'vigil-app://console/index.html#people' }, true],
    ['a sub-frame of the console', { ...ours, isMainFrame: false, frameUrl: 'vigil-app://console/index.html' }, false],
    ['another window', { ...ours, fromOurWindow: false, frameUrl: 'vigil-app://console/index.html' }, false],
    ['a look-alike host', { ...ours, frameUrl: 'vigil-app://console.evil/index.html' }, false],
    ['a file page (the old rule trusted any .../out/renderer/ path)', { ...ours, frameUrl: 'file:///home/x/out/renderer/index.html' }, false],
    ['the dev server in a packaged app', { ...ours, frameUrl: 'http://localhost:5173/' }, false],
    ['a prefix of the origin', { ...ours, frameUrl: 'vigil-app://consolex/' }, false],
    ['no URL (a destroyed frame)', { ...ours, frameUrl: null }, false],
  ];
  for (const [name, sender, expected] of cases) {
    test(`${name}: ${expected ? 'trusted' : 'refused'}`, () => assert.equal(isTrustedSender(sender, packaged), expected));
  }
  test('in development the dev server origin, exactly', () => {
    assert.equal(isTrustedSender({ ...ours, frameUrl: 'http://localhost:5173/#live' }, dev), true);
    assert.equal(isTrustedSender({ ...ours, frameUrl: 'http://localhost:5174/' }, dev), false);
    assert.equal(isTrustedSender({ ...ours, frameUrl: 'vigil-app://console/index.html' }, dev), false);
  });
});

describe('desktop shell: permissions', () => {
  const at = 'vigil-app://console/index.html';
  const cases: Array<[string, Parameters<typeof isPermissionGranted>[0], boolean]> = [
    ['the webcam for enrollment', { permission: 'media', requestingUrl: at, mediaTypes: ['video'] }, true],
    ['the microphone', { permission: 'media', requestingUrl: at, mediaTypes: ['audio'] }, false],
    ['camera and microphone together', { permission: 'media', requestingUrl: at, mediaTypes: ['video', 'audio'] }, false],
    ['media without saying which', { permission: 'media', requestingUrl: at }, false],
    ['fullscreen for the wall', { permission: 'fullscreen', requestingUrl: at }, true],
    ['the webcam from another origin', { permission: 'media', requestingUrl: 'https://evil.example/', mediaTypes: ['video'] }, false],
    ['notifications', { permission: 'notifications', requestingUrl: at }, false],
    ['geolocation', { permission: 'geolocation', requestingUrl: at }, false],
    ['screen capture', { permission: 'display-capture', requestingUrl: at }, false],
    ['clipboard read', { permission: 'clipboard-read', requestingUrl: at }, false],
    ['USB / serial / HID', { permission: 'usb', requestingUrl: at }, false],
    ['opening external links', { permission: 'openExternal', requestingUrl: at }, false],
  ];
  for (const [name, request, expected] of cases) {
    test(`${name}: ${expected ? 'granted' : 'refused'}`, () => assert.equal(isPermissionGranted(request, packaged), expected));
  }
});

describe('desktop shell: the app scheme serves only the renderer build', () => {
  const root = join('/opt', 'Vigil', 'resources', 'app.asar', 'out', 'renderer');
  const cases: Array<[string, string | null]> = [
    ['vigil-app://console/', join(root, 'index.html')],
    ['vigil-app://console/index.html', join(root, 'index.html')],
    ['vigil-app://console/assets/index-abc.js', join(root, 'assets', 'index-abc.js')],
    ['vigil-app://console/assets/../index.html', join(root, 'index.html')], // URL parsing resolves dot segments first
    // Encoded dot segments are dot segments to the URL parser: they cannot climb above the root either.
    ['vigil-app://console/%2e%2e/%2e%2e/main/index.js', join(root, 'main', 'index.js')],
    ['vigil-app://console/..%2f..%2fmain%2findex.js', null],
    ['vigil-app://console/assets%5c..%5c..%5cmain.js', null],
    ['vigil-app://console/a%00.js', null],
    ['vigil-app://console/%E0%A4%A', null],
    ['vigil-app://other/index.html', null],
    ['https://console/index.html', null],
  ];
  for (const [url, expected] of cases) {
    test(`${url} → ${expected ?? 'refused'}`, () => assert.equal(appFileFor(url, root), expected));
  }
});

describe('desktop shell: content security policy and key protection', () => {
  test('the policy allows only the app itself for code, and never inline scripts or eval', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));
    assert.deepEqual(directives.get('script-src'), ["'self'"]);
    assert.deepEqual(directives.get('object-src'), ["'none'"]);
    assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
    assert.ok(!CONTENT_SECURITY_POLICY.includes('unsafe-eval') && !CONTENT_SECURITY_POLICY.includes('unsafe-inline'));
    assert.ok(directives.get('media-src')!.includes('blob:'), 'the wall plays Media Source Extensions video');
  });

  const cases: Array<[string, string | null, 'keychain' | 'owner-only-file']> = [
    ['linux', 'basic_text', 'owner-only-file'],
    ['linux', 'unknown', 'owner-only-file'],
    ['linux', 'gnome_libsecret', 'keychain'],
    ['linux', 'kwallet6', 'keychain'],
    ['win32', null, 'keychain'],
    ['darwin', null, 'keychain'],
  ];
  for (const [platform, backend, kind] of cases) {
    test(`${platform} ${backend ?? ''} → ${kind}`, () => {
      const decision = keyProtection(platform, backend);
      assert.equal(decision.kind, kind);
      if (decision.kind === 'owner-only-file') assert.match(decision.reason, /owner-only files/);
    });
  }
});

describe('desktop shell: the installer flips the fuses', () => {
  test('electron-builder.yml: no run-as-node, NODE_OPTIONS or inspector; app only from an integrity-checked ASAR; no file:// privileges', async () => {
    const { readFileSync } = await import('node:fs');
    const { projectRoot } = await import('../helpers/paths.js');
    const text = readFileSync(join(projectRoot, 'electron-builder.yml'), 'utf8');
    const block = /^electronFuses:\n((?: {2}.*\n)+)/m.exec(text)?.[1] ?? '';
    const fuses = Object.fromEntries(
      block
        .split('\n')
        .map((line) => /^ {2}(\w+): (true|false)$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1]!, m[2] === 'true']),
    );
    assert.deepEqual(
      {
        runAsNode: fuses.runAsNode,
        enableNodeOptionsEnvironmentVariable: fuses.enableNodeOptionsEnvironmentVariable,
        enableNodeCliInspectArguments: fuses.enableNodeCliInspectArguments,
        enableEmbeddedAsarIntegrityValidation: fuses.enableEmbeddedAsarIntegrityValidation,
        onlyLoadAppFromAsar: fuses.onlyLoadAppFromAsar,
        grantFileProtocolExtraPrivileges: fuses.grantFileProtocolExtraPrivileges,
      },
      {
        runAsNode: false,
        enableNodeOptionsEnvironmentVariable: false,
        enableNodeCliInspectArguments: false,
        enableEmbeddedAsarIntegrityValidation: true,
        onlyLoadAppFromAsar: true,
        grantFileProtocolExtraPrivileges: false,
      },
    );
    assert.match(text, /^asar: true$/m);
  });
});
