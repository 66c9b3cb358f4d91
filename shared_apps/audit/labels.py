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
    "membership.granted": _("授予角色"),
    "membership.revoked": _("撤销角色"),
    "export.download": _("导出文件"),
    "audit.exported": _("导出审计日志"),
    "audit.archived": _("审计日志归档"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
