from django import forms

from tenant_apps.about.models import Profile


class ProfileForm(forms.ModelForm):
    contacts = forms.CharField(
        label="各部门联系方式",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一个：部门|电话|邮箱",
    )

    class Meta:
        model = Profile
        fields = ["introduction", "address", "postcode", "phone", "email", "reception_hours"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 6})}

    def clean_contacts(self) -> list[dict]:
        rows = []
        for line in self.cleaned_data["contacts"].splitlines():
            if not line.strip():
                continue
            # Padded, so a line may leave out the phone or the email.
            parts = [p.strip() for p in line.split("|")] + ["", ""]
            rows.append({"department": parts[0], "phone": parts[1], "email": parts[2]})
        return rows
