from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .jobs import MAX_FILE_BYTES
from .reading import LedgerFileError, check_file_names


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class LedgerFilesField(forms.FileField):
    """One or more files from one <input type=file multiple>."""

    widget = MultipleFileInput(attrs={"accept": ".xlsx,.csv"})

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
            "（CSVはUTF-8かShift_JIS。「つなぎ.csv」は省略できます）。"
        ),
        error_messages={"required": _("台帳のファイルを選んでください。")},
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        try:
            check_file_names([f.name for f in files])
        except LedgerFileError as error:
            raise ValidationError(str(error)) from None
        for f in files:
            if f.size > MAX_FILE_BYTES:
                raise ValidationError(
                    _("「%(name)s」は大きすぎます（%(max)dMBまで）。")
                    % {"name": f.name, "max": MAX_FILE_BYTES // (1024 * 1024)}
                )
        return files
