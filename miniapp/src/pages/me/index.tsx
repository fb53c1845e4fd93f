import Taro from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { ROLE_LABELS, isStaffRole } from '@anju/shared'
import { logOut } from '../../api'
import { ElderModeSwitch } from '../../components/ElderMode'
import { Screen } from '../../components/Screen'
import { Section } from '../../components/Section'
import { goToLogin, useFreshUser, useRequireSession } from '../../hooks/session'
import { ACCOUNT_PAGES, WORKBENCH_PAGES } from '../../utils/routes'
import './index.scss'

const WORKBENCH_PAGE = '/packages/workbench/pages/index/index'

export default function MePage() {
  const session = useRequireSession()
  useFreshUser()
  if (!session) return <Screen>{null}</Screen>
  const { user } = session

  async function logout() {
    const { confirm } = await Taro.showModal({
      title: '退出登录',
      content: '确定要退出当前账号吗？',
      confirmColor: '#1677ff',
    })
    if (!confirm) return
    // The device forgets the session at once; the server is asked to end it too, so no copy of it works.
    await logOut()
    goToLogin()
  }

  return (
    <Screen className='me'>
      <View className='profile'>
        <View className='profile__avatar'>{user.displayName.slice(0, 1)}</View>
        <View className='profile__info'>
          <Text className='profile__name'>{user.displayName}</Text>
          <View className='profile__meta'>
            <Text className='profile__role'>{ROLE_LABELS[user.role]}</Text>
            <Text className='profile__region'>{user.region ? user.region.name : '未绑定社区'}</Text>
            <Text className='profile__id' id='profile-id'>编号 {user.id}</Text>
          </View>
        </View>
      </View>

      {isStaffRole(user.role) ? (
        <Section className='me__entries'>
          <View id='workbench-entry' className='entry' onClick={() => Taro.navigateTo({ url: WORKBENCH_PAGE })}>
            <Text className='entry__label'>工作台</Text>
            <Text className='entry__hint'>案件处理、积分审核、礼品管理与核销</Text>
            <Text className='entry__arrow'>›</Text>
          </View>
          <View id='password-entry' className='entry' onClick={() => Taro.navigateTo({ url: WORKBENCH_PAGES.password })}>
            <Text className='entry__label'>修改密码</Text>
            <Text className='entry__hint'>修改后其他手机将退出登录</Text>
            <Text className='entry__arrow'>›</Text>
          </View>
        </Section>
      ) : null}

      <Section className='me__elder'>
        <ElderModeSwitch />
      </Section>

      <Section className='me__entries'>
        <View id='my-data-entry' className='entry' onClick={() => Taro.navigateTo({ url: ACCOUNT_PAGES.data })}>
          <Text className='entry__label'>我的数据</Text>
          <Text className='entry__hint'>查看、导出个人信息，注销账号</Text>
          <Text className='entry__arrow'>›</Text>
        </View>
        <View id='privacy-entry' className='entry' onClick={() => Taro.navigateTo({ url: ACCOUNT_PAGES.privacy })}>
          <Text className='entry__label'>隐私政策</Text>
          <Text className='entry__hint' />
          <Text className='entry__arrow'>›</Text>
        </View>
        <View id='terms-entry' className='entry' onClick={() => Taro.navigateTo({ url: ACCOUNT_PAGES.terms })}>
          <Text className='entry__label'>用户协议</Text>
          <Text className='entry__hint' />
          <Text className='entry__arrow'>›</Text>
        </View>
      </Section>

      <Button id='logout' className='btn btn--danger me__logout' onClick={logout}>
        退出登录
      </Button>
    </Screen>
  )
}
