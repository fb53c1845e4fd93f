import path from 'node:path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import TsconfigPathsPlugin from 'tsconfig-paths-webpack-plugin'
import { weappApiBase } from './apiBase'
import devConfig from './dev'
import prodConfig from './prod'

/**
 * @anju/shared is TypeScript source outside src/ (a workspace symlink that webpack resolves to its real
 * path), so the script rule must be told to compile it; zod goes through babel too so the weapp bundle
 * keeps to the syntax the browserslist in package.json allows.
 */
const compileOutsideSrc = [
  path.resolve(__dirname, '../../shared/src'),
  (file: string) => /[\\/]node_modules[\\/]zod[\\/]/.test(file),
]

/**
 * Resolution shared by both platforms. Packages npm had to nest under miniapp/node_modules (e.g.
 * @tarojs/plugin-framework-react, whose vite peer range clashes with the root's vite) must still be
 * found from Taro's packages hoisted to the root node_modules, which import them too.
 */
function webpackChain(chain: any) {
  chain.resolve.plugin('tsconfig-paths').use(TsconfigPathsPlugin)
  chain.resolve.modules.add('node_modules').add(path.resolve(__dirname, '../node_modules'))
}

/** The weapp build also keeps zod's load-time BigInt calls out of the bundle (see loaders/lazyBigIntRanges.js). */
function miniWebpackChain(chain: any) {
  webpackChain(chain)
  chain.module
    .rule('zod-lazy-bigint-ranges')
    .enforce('pre')
    .test(/[\\/]node_modules[\\/]zod[\\/]v4[\\/]core[\\/]util\.js$/)
    .use('lazy-bigint-ranges')
    .loader(path.resolve(__dirname, 'loaders/lazyBigIntRanges.js'))
}

/**
 * h5 pages are lazy chunks; Taro splits only initial chunks, so zod, @anju/shared and the components
 * would be copied into every page chunk. Splitting all chunks puts them in shared chunks instead.
 */
function h5WebpackChain(chain: any) {
  webpackChain(chain)
  chain.optimization.splitChunks({ ...chain.optimization.get('splitChunks'), chunks: 'all' })
}

/** Our type floor and 长辈模式 scale on every font-size in src/ (see legibleType.js), on both platforms. */
const legibleType = { [path.resolve(__dirname, 'legibleType.js')]: { enable: true, config: { sourceRoot: path.resolve(__dirname, '../src') } } }

export default defineConfig<'webpack5'>(async (merge, { mode }) => {
  // Only the weapp build uses an API origin: the h5 build talks to the server it is served from.
  const apiBase = process.env.TARO_ENV === 'weapp' ? weappApiBase(mode, process.env.TARO_APP_API_BASE) : ''
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'anju',
    date: '2026-11-25',
    designWidth: 750,
    deviceRatio: {
      640: 2.34 / 2,
      750: 1,
      375: 2,
      828: 1.81 / 2,
    },
    sourceRoot: 'src',
    sass: {
      resource: [path.resolve(__dirname, '../src/styles/variables.scss')],
    },
    outputRoot: `dist/${process.env.TARO_ENV}`,
    plugins: [],
    env: {
      TARO_APP_API_BASE: JSON.stringify(apiBase),
    },
    defineConstants: {},
    // The patrol map's marker images: <map> markers take a file path, not an imported (inlined) image.
    copy: {
      patterns:
        process.env.TARO_ENV === 'weapp'
          ? [{ from: 'src/packages/patrol/assets/', to: 'dist/weapp/packages/patrol/assets/' }]
          : [],
      options: {},
    },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    mini: {
      compile: { include: compileOutsideSrc },
      // Pages pull the shared components' stylesheets in different orders, which makes the extract plugin
      // warn about the order inside common.wxss. Each of those stylesheets styles only its own block class
      // (.screen, .section, .empty-state, .case-card...), so their order in the file cannot matter.
      miniCssExtractPluginOption: { ignoreOrder: true },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false },
        ...legibleType,
      },
      webpackChain: miniWebpackChain,
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      compile: { include: compileOutsideSrc },
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false },
        ...legibleType,
      },
      webpackChain: h5WebpackChain,
    },
  }

  if (process.env.NODE_ENV === 'development') {
    return merge({}, baseConfig, devConfig)
  }
  return merge({}, baseConfig, prodConfig)
})
