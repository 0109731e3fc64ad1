// electron-builder configuration of BillPro Desk (`npm run dist`). Checked against
// electron-builder's own schema by test/unit/installer.test.ts.
/** @type {import('app-builder-lib').Configuration} */
module.exports = {
  appId: 'pro.bill.desk',
  productName: 'BillPro Desk',
  copyright: 'Copyright © BillPro',
  directories: { output: 'release', buildResources: 'build' },
  // The bundles (dist/electron) and the built renderer (dist/renderer). Production
  // dependencies (keytar, libsql …) are added from node_modules by electron-builder.
  files: ['dist/**/*', 'package.json'],
  asar: true,
  // Native addons cannot be loaded from inside app.asar.
  asarUnpack: [
    '**/node_modules/keytar/**',
    '**/node_modules/libsql/**',
    '**/node_modules/@libsql/**',
    '**/*.node',
  ],
  // keytar 7 and libsql are Node-API addons: one binary works in Node and in Electron, so
  // nothing is rebuilt against Electron's headers.
  npmRebuild: false,
  // billpro-desk://<profile>/orders/<id>: the installer registers the scheme (Info.plist on
  // macOS, the registry on Windows, MimeType in the .desktop file on Linux).
  protocols: [{ name: 'BillPro Desk link', schemes: ['billpro-desk'] }],
  // Installers and the update feeds (latest*.yml) go to the tag's GitHub Release (draft until the
  // release workflow publishes it); electron-updater in the app reads the feeds from there.
  // The repository comes from the CI environment; a local `npm run dist` publishes nothing.
  publish: [
    {
      provider: 'github',
      owner: (process.env.GITHUB_REPOSITORY ?? 'billpro/billpro-desk').split('/')[0],
      repo: (process.env.GITHUB_REPOSITORY ?? 'billpro/billpro-desk').split('/')[1],
      releaseType: 'draft',
    },
  ],
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    // The renderer is served from app://, never file://.
    grantFileProtocolExtraPrivileges: false,
  },
  linux: {
    target: ['AppImage', 'deb'],
    // The .desktop file's name, so the scheme handler entry is stable.
    executableName: 'billpro-desk',
    category: 'Office;Finance',
    icon: 'build/icon.png',
    synopsis: 'Desktop console for billing operators on the BillPro API',
    maintainer: 'BillPro <support@bill.pro>',
  },
  deb: {
    // keytar talks to the Secret Service through libsecret.
    depends: ['libsecret-1-0'],
  },
  mac: {
    target: ['dmg'],
    category: 'public.app-category.finance',
    icon: 'build/icon.png',
    hardenedRuntime: true,
    gatekeeperAssess: false,
    entitlements: 'build/entitlements.mac.plist',
    entitlementsInherit: 'build/entitlements.mac.plist',
    // Notarized when the release workflow has Apple's credentials (APPLE_ID,
    // APPLE_APP_SPECIFIC_PASSWORD, APPLE_TEAM_ID from repository secrets); never committed.
    notarize: Boolean(process.env.APPLE_ID && process.env.APPLE_APP_SPECIFIC_PASSWORD && process.env.APPLE_TEAM_ID),
  },
  dmg: { title: 'BillPro Desk' },
  win: {
    target: ['nsis'],
    icon: 'build/icon.png',
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
    deleteAppDataOnUninstall: false,
  },
};
