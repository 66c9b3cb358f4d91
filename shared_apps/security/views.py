"""The account's security page, /me/security/ on every host: the password, and the API tokens of the
account's devices (each can be revoked)."""

# allauth's own guard of a login stage (internal API: it is what allauth's second-factor view uses).
from allauth.account.internal.decorators import login_stage_required
from allauth.mfa.stages import AuthenticateStage
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.security import mydata, sms_codes, tokens
from shared_apps.security.models import ApiToken
from tenants.addresses import client_address


@login_required
def security(request):
    return render(request, "security/security.html", {"tokens": tokens.tokens_for(request.user)})


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        # SECURITY: 404, not 403, for another account's token: whether it exists is not disclosed.
        raise Http404
    if request.POST.get("confirm") != "1":
        messages.error(request, _("请勾选“确认撤销”后再提交：撤销后该设备需要重新登录。"))
        return redirect("my_security:index")
    if tokens.revoke(token, request=request):
        messages.success(request, _("已撤销“%(device)s”的登录令牌。") % {"device": token.device})
    return redirect("my_security:index")


@login_required
def my_data(request):
    """The person's own data as a JSON file (mydata.py); the download is logged."""
    response = JsonResponse(mydata.export(request.user), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename="my-data.json")
    response["Cache-Control"] = "no-store"
    return response


@login_stage_required(stage=AuthenticateStage.key, redirect_urlname="account_login")
@require_POST
def sms_code(request):
    """At the second-factor step of signing in: send the deputy a code by SMS instead of the app's."""
    user = request._login_stage.login.user
    refusal = sms_codes.send_code(user, address=client_address(request))
    if refusal:
        messages.error(request, refusal)
    else:
        messages.success(request, _("验证码已发送到代表名册中登记的手机号码，请在5分钟内输入。"))
    return redirect("mfa_authenticate")
