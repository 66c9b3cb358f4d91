"""The sender's tracking page: the tracking code and the mobile's last four digits → every step of the matter,
in whichever congress it now is. Served on every congress host and on the root domain (an escalated matter moves
between congresses), reading only the public tracker (tracking.lookup): no request here visits a congress's
schema. A wrong code and a wrong number get the same "not found" answer, and lookups are limited per address.
"""

from django.shortcuts import render

from tenant_apps.liaison import tracking
from tenant_apps.liaison.forms import TrackForm
from tenants.addresses import client_address


def track(request):
    """Anyone, on any host: follow a message with its code and the mobile's last four digits."""
    form = TrackForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    matter, refusal = None, ""
    if request.method == "POST" and form.is_valid():
        address = client_address(request)
        matter, refusal = tracking.lookup(address, form.cleaned_data["code"], form.cleaned_data["last4"])
        if matter is None and not refusal:
            refusal = tracking.not_found_text()
    return render(request, "liaison/track.html", {"form": form, "matter": matter, "refusal": refusal})
