/**
 * Doyensec's electronegativity over electron/ (the shell, the core and the web host). Any HIGH
 * finding fails; a MEDIUM or lower finding passes only through an entry below that says why it
 * is acceptable and is pinned to the source line it was reviewed on. Entries that no longer
 * match anything fail too, so the list cannot rot.
 *
 * The tool runs in its own process through its own `run` export, not through its CLI output
 * file: the CLI's CSV writer races its header against its rows (the file comes out garbled) and
 * its SARIF carries no severity. The run is the CLI's run with the same options:
 *   -i electron -r -e <installed Electron> -x AvailableSecurityFixesGlobalCheck
 * The version is passed because it cannot be read from electron/ (no package.json there) and
 * the defaults the checks assume depend on it. AvailableSecurityFixesGlobalCheck is left out: it
 * downloads Electron's release list from GitHub, and this machine is offline.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const electronVersion = (
  JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')) as { version: string }
).version;

interface Finding {
  id: string;
  file: string;
  line: number;
  severity: 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL';
  confidence: string;
  description: string;
}

interface Scan {
  atomicChecks: number;
  globalChecks: number;
  errors: unknown[];
  findings: Finding[];
}

interface Allowed {
  id: string;
  file: string;
  severity: Finding['severity'];
  /** The reviewed source line; the entry stops applying when that line changes. */
  source: RegExp;
  why: string;
}

const ALLOWED: Allowed[] = [
  {
    id: 'PROTOCOL_HANDLER_JS_CHECK',
    file: 'main.ts',
    severity: 'MEDIUM',
    source: /^\s*if \(app\.isPackaged\) app\.setAsDefaultProtocolClient\(DEEP_LINK_SCHEME\);$/,
    why: 'billpro-desk:// links (issue 15). A link is never loaded or executed: parseDeepLink (common/deep-link.ts, deep-link.test.ts) accepts only <profile>/<known view>/<integer id> with no query, fragment or escapes, Desk.openLink checks the profile exists here, and the page only receives a typed route; anything else is refused in a dialog.',
  },
  {
    id: 'OPEN_EXTERNAL_JS_CHECK',
    file: 'window.ts',
    severity: 'MEDIUM',
    source:
      /^\s*void openExternalLink\(url, links, ask, \(safeUrl\) => shell\.openExternal\(safeUrl\)\)\.catch\(\(\) => undefined\);$/,
    why: 'A manual-review prompt for any non-constant URL. The URL comes from ExternalLinkGate: https: URLs without credentials only (shell-policy.test.ts covers javascript:, file:, http:, smb:, ms-msdt: and user@host), and a host other than BillPro\'s only after the person said yes in a main-process dialog (test/security/external-links.test.ts).',
  },
  {
    id: 'CSP_GLOBAL_CHECK',
    file: 'core/shell-policy.ts',
    severity: 'LOW',
    source: /^securityHeaders\['content-security-policy'\] =$/,
    why: "The CSP evaluator's only remark is \"'self' can be problematic if you host JSONP, Angular or user uploaded files\": app:// serves our own bundle and nothing else.",
  },
  {
    id: 'CSP_GLOBAL_CHECK',
    file: 'web-host.ts',
    severity: 'LOW',
    source: /headers\['Content-Security-Policy'\] = cspHeader\(\);/,
    why: 'The scanner cannot read a policy returned by a function; it is the same cspHeader() policy it evaluates at core/shell-policy.ts.',
  },
];

// Runs electronegativity on several inputs in one child process and prints the findings as JSON.
const RUNNER = `
const path = require('node:path');
const { run: runModule, inputs, electronVersion } = JSON.parse(process.argv[1]);
const run = require(runModule);
Promise.all(inputs.map((input) => (run.default || run)({
  input,
  customScan: [],
  excludeFromScan: ['availablesecurityfixesglobalcheck'],
  isRelative: true,
  electronVersionOverride: electronVersion,
  parserPlugins: [],
}))).then((results) => {
  process.stdout.write('\\n@@RESULT@@' + JSON.stringify(results.map((r) => ({
    atomicChecks: r.atomicChecks,
    globalChecks: r.globalChecks,
    errors: r.errors,
    findings: r.issues.map((i) => ({
      id: i.id,
      file: i.file.split(path.sep).join('/'),
      line: i.location.line,
      severity: i.severity.name,
      confidence: i.confidence.name,
      description: i.description,
    })),
  }))));
}, (error) => { console.error(error && error.stack || error); process.exit(1); });
`;

async function scan(inputs: string[]): Promise<Scan[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '-e',
      RUNNER,
      JSON.stringify({ run: require.resolve('@doyensec/electronegativity'), inputs, electronVersion }),
    ],
    { cwd: root, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
  );
  const marker = stdout.lastIndexOf('@@RESULT@@');
  if (marker < 0) throw new Error(`electronegativity printed no result:\n${stdout}`);
  return JSON.parse(stdout.slice(marker + '@@RESULT@@'.length)) as Scan[];
}

const electronDir = path.join(root, 'electron');
let fixtureDir = '';
let ours: Scan;
let careless: Scan;

beforeAll(async () => {
  // A careless window, so this test shows the scanner does report what it should.
  fixtureDir = await mkdtemp(path.join(os.tmpdir(), 'billpro-eneg-'));
  await writeFile(
    path.join(fixtureDir, 'main.ts'),
    "import { BrowserWindow, shell } from 'electron';\n" +
      'const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });\n' +
      "w.webContents.on('new-window', (_e: unknown, url: string) => shell.openExternal(url));\n",
  );
  [ours, careless] = (await scan([electronDir, fixtureDir])) as [Scan, Scan];
}, 90_000);

afterAll(async () => {
  if (fixtureDir) await rm(fixtureDir, { recursive: true, force: true });
});

async function sourceLine(file: string, line: number): Promise<string> {
  const text = await readFile(path.join(electronDir, file), 'utf8');
  return text.split('\n')[line - 1] ?? '';
}

async function allowanceFor(finding: Finding): Promise<Allowed | undefined> {
  const line = await sourceLine(finding.file, finding.line).catch(() => '');
  return ALLOWED.find(
    (a) =>
      a.id === finding.id &&
      a.file === finding.file &&
      a.severity === finding.severity &&
      a.source.test(line),
  );
}

describe('electronegativity over electron/', () => {
  it('parses every file and runs its checks', () => {
    expect(ours.errors).toEqual([]);
    expect(ours.atomicChecks).toBeGreaterThan(30);
    expect(ours.globalChecks).toBeGreaterThanOrEqual(5);
  });

  it('reports a careless app, so a pass here means something', () => {
    const found = careless.findings.map((f) => `${f.id} ${f.severity}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'CONTEXT_ISOLATION_JS_CHECK HIGH',
        'LIMIT_NAVIGATION_GLOBAL_CHECK HIGH',
        'SANDBOX_JS_CHECK MEDIUM',
        'CSP_GLOBAL_CHECK MEDIUM',
        'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK MEDIUM',
      ]),
    );
  });

  it('finds nothing HIGH', () => {
    expect(ours.findings.filter((f) => f.severity === 'HIGH')).toEqual([]);
  });

  it('finds nothing that is not reviewed and explained in the allow-list', async () => {
    const unexplained: Finding[] = [];
    for (const finding of ours.findings) if (!(await allowanceFor(finding))) unexplained.push(finding);
    expect(unexplained).toEqual([]);
  });

  it('has no allow-list entry left over from code that changed', async () => {
    const used = new Set<Allowed>();
    for (const finding of ours.findings) {
      const allowance = await allowanceFor(finding);
      if (allowance) used.add(allowance);
    }
    expect(ALLOWED.filter((a) => !used.has(a)).map((a) => `${a.id} in ${a.file}`)).toEqual([]);
    for (const entry of ALLOWED) expect(entry.why.length).toBeGreaterThan(40);
  });
});
