from django import forms
from django.utils.translation import gettext_lazy as _


class StoryForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 12}))
    deputies = forms.TypedMultipleChoiceField(label=_("涉及的代表"), coerce=int, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, deputies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].choices = [(d.pk, d.name) for d in deputies]

    def service_data(self) -> dict:
        return dict(self.cleaned_data)
