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
