from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .reading import LedgerFileError, check_file_names, check_sizes, check_upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class LedgerFilesField(forms.FileField):
    """One or more files from one <input type=file multiple>. An empty file is let through to
    check_upload, whose message names it."""

    widget = MultipleFileInput(attrs={"accept": ".xlsx,.csv"})

    def __init__(self, **kwargs):
        super().__init__(allow_empty_file=True, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        if not files:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(LedgerFilesField, self).clean(file, initial) for file in files]


class LedgerUploadForm(forms.Form):
    files = LedgerFilesField(
        label=_("台帳のファイル"),
        help_text=_(
            "標準様式のExcelファイル（.xlsx）1つ、または「ケース.csv」「相談記録.csv」「つなぎ.csv」をまとめて選びます"
            "（CSVはUTF-8かShift_JIS。「つなぎ.csv」は省略できます）。合わせて30MB、1シート10万行までです。"
        ),
        error_messages={"required": _("台帳のファイルを選んでください。")},
    )

    def clean_files(self) -> list[tuple[str, bytes]]:
        """(name, contents) of each file, once what can be said without parsing them has been said."""
        files = self.cleaned_data["files"]
        try:
            check_file_names([f.name for f in files])
            check_sizes([(f.name, f.size) for f in files])  # before reading a byte of them
            contents = [(f.name, f.read()) for f in files]
            for name, data in contents:
                check_upload(name, data)
        except LedgerFileError as error:
            raise ValidationError(str(error)) from None
        return contents
