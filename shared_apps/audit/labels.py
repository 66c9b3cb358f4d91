"""Names of the audit log's actions as the audit administrator reads them; any other action shows its code
(`<history>.<step>`, e.g. suggestion.assign)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "auth.login": _("登录"),
    "auth.logout": _("退出登录"),
    "auth.lockout": _("账号或地址被锁定"),
    "auth.token_issued": _("签发接口令牌"),
    "auth.token_revoked": _("撤销接口令牌"),
    "auth.password_changed": _("修改密码"),
    "auth.password_set": _("设置密码"),
    "auth.password_reset": _("重设密码"),
    "auth.unlocked": _("解除锁定"),
    "auth.session_expired": _("会话超时退出"),
    "account.disabled": _("停用账号"),
    "account.enabled": _("启用账号"),
    "account.data_exported": _("下载本人个人信息"),
    "mfa.added": _("启用双因素认证"),
    "mfa.removed": _("停用双因素认证"),
    "mfa.reset": _("重新生成恢复码"),
    "mfa.code": _("双因素动态码"),
    "membership.granted": _("授予角色"),
    "membership.revoked": _("撤销角色"),
    "export.download": _("导出文件"),
    "audit.exported": _("导出审计日志"),
    "audit.archived": _("审计日志归档"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
