export default defineAppConfig({
  pages: [
    'pages/index/index',
    'pages/cases/index',
    'pages/points/index',
    'pages/me/index',
    'pages/login/index',
    'pages/not-found/index',
  ],
  // Everything a first visit does not need lives in a sub-package (reporting, patrols, mall come later).
  subPackages: [
    {
      root: 'packages/workbench',
      pages: ['pages/index/index', 'pages/awards/index', 'pages/pickup/index', 'pages/manual-award/index', 'pages/patrols/index', 'pages/cases/index', 'pages/case/index', 'pages/rewards/index', 'pages/reward-form/index', 'pages/award-policy/index', 'pages/password/index', 'pages/dead-letters/index'],
    },
    {
      root: 'packages/mall',
      pages: ['pages/list/index', 'pages/detail/index', 'pages/redemptions/index', 'pages/redemption/index', 'pages/guide/index'],
    },
    {
      root: 'packages/report',
      pages: ['pages/new/index', 'pages/detail/index'],
    },
    {
      root: 'packages/safety',
      pages: ['pages/index/index'],
    },
    {
      root: 'packages/account',
      pages: ['pages/data/index', 'pages/privacy/index', 'pages/terms/index'],
    },
    {
      root: 'packages/patrol',
      pages: ['pages/start/index', 'pages/live/index', 'pages/records/index', 'pages/record/index', 'pages/ranking/index'],
    },
  ],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '安居',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f5f6f8',
  },
  tabBar: {
    color: '#86909c',
    selectedColor: '#1366d6',
    backgroundColor: '#ffffff',
    borderStyle: 'white',
    list: [
      {
        pagePath: 'pages/index/index',
        text: '首页',
        iconPath: 'assets/tabbar/home.png',
        selectedIconPath: 'assets/tabbar/home-active.png',
      },
      {
        pagePath: 'pages/cases/index',
        text: '我的诉求',
        iconPath: 'assets/tabbar/cases.png',
        selectedIconPath: 'assets/tabbar/cases-active.png',
      },
      {
        pagePath: 'pages/points/index',
        text: '积分',
        iconPath: 'assets/tabbar/points.png',
        selectedIconPath: 'assets/tabbar/points-active.png',
      },
      {
        pagePath: 'pages/me/index',
        text: '我的',
        iconPath: 'assets/tabbar/me.png',
        selectedIconPath: 'assets/tabbar/me-active.png',
      },
    ],
  },
  lazyCodeLoading: 'requiredComponents',
  requiredPrivateInfos: ['getLocation', 'onLocationChange', 'startLocationUpdate'],
  permission: {
    'scope.userLocation': { desc: '用于确定您上报问题的位置和巡逻打卡' },
  },
})
