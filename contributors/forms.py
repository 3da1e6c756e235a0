from allauth.account.forms import LoginForm as AllauthLoginForm
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Contributor


class ContributorProfileForm(forms.ModelForm):
    class Meta:
        model = Contributor
        fields = [
            "display_name",
            "career_stage",
            "research_area",
            "instagram_handle",
            "pronouns",
            "languages",
            "bio",
            "orcid",
            "inspire_id",
            "language",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save profile")))


class LoginForm(AllauthLoginForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # allauth labels the field just "Login"; people should see what they may type.
        self.fields["login"].label = _("Username or email")
