"""The network: organisations in a tree, partner categories, and staff memberships with a role."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .categories import CATEGORY_LABELS


class OrgKind(models.TextChoices):
    NATIONAL = "national", _("国")
    PREFECTURE = "prefecture", _("都道府県")
    DESIGNATED_CITY = "designated_city", _("指定都市")
    MUNICIPALITY = "municipality", _("市区町村")
    CENTER = "center", _("ひきこもり地域支援センター")
    SATELLITE = "satellite", _("サテライト")
    STATION = "station", _("ひきこもり支援ステーション")
    CONTRACTOR = "contractor", _("委託先")
    PARTNER = "partner", _("関係機関")


# Public bodies are identified by their 6-digit local government code (全国地方公共団体コード).
PUBLIC_BODY_KINDS = {OrgKind.PREFECTURE, OrgKind.DESIGNATED_CITY, OrgKind.MUNICIPALITY}

# Which kinds may sit directly under which: keeps the tree the shape DOMAIN.md describes.
ALLOWED_PARENT_KINDS = {
    OrgKind.NATIONAL: set(),
    OrgKind.PREFECTURE: {OrgKind.NATIONAL},
    OrgKind.DESIGNATED_CITY: {OrgKind.NATIONAL},
    OrgKind.MUNICIPALITY: {OrgKind.PREFECTURE},
    OrgKind.CENTER: {OrgKind.PREFECTURE, OrgKind.DESIGNATED_CITY, OrgKind.MUNICIPALITY},
    OrgKind.SATELLITE: {OrgKind.CENTER},
    OrgKind.STATION: {OrgKind.PREFECTURE, OrgKind.DESIGNATED_CITY, OrgKind.MUNICIPALITY},
    OrgKind.CONTRACTOR: {
        OrgKind.PREFECTURE,
        OrgKind.DESIGNATED_CITY,
        OrgKind.MUNICIPALITY,
        OrgKind.CENTER,
    },
    OrgKind.PARTNER: {
        OrgKind.PREFECTURE,
        OrgKind.DESIGNATED_CITY,
        OrgKind.MUNICIPALITY,
        OrgKind.CENTER,
    },
}


class PartnerCategory(models.Model):
    """A 関係機関 category of the national report, kept as data in the report's order."""

    # A stable code (orgs.categories) by which the label is translated; the name stays the Japanese
    # the national report's keys and the ledger's cells are.
    code = models.SlugField(_("コード"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("表示順"), unique=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("関係機関の区分")
        verbose_name_plural = _("関係機関の区分")

    def __str__(self):
        return str(self.label)

    @property
    def label(self) -> str:
        """The name in the active language: the translation by code, the stored name for a code not known."""
        label = CATEGORY_LABELS.get(self.code)
        return str(label) if label is not None else self.name


class Organisation(models.Model):
    code = models.CharField(_("コード"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("種別"), max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上位組織"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    category = models.ForeignKey(
        PartnerCategory, verbose_name=_("関係機関の区分"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Materialised path of codes ("/000000/990001/992011/"): a subtree is one indexed prefix query,
    # which the statistics over thousands of organisations rely on.
    path = models.CharField(max_length=400, unique=True, editable=False)
    is_active = models.BooleanField(_("有効"), default=True)
    # Contact details for the partner directory (つなぎ先) and the staff pages.
    phone = models.CharField(_("電話番号"), max_length=40, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    accepting_cases = models.BooleanField(_("新規受け入れ可"), default=True)
    # Roles (Role values) whose members must pass a second factor at log-in; 管理者 always must
    # (orgs.rules.two_factor_required), so it is never stored here.
    two_factor_roles = models.JSONField(_("二要素認証が必要な役割"), default=list, blank=True)
    # A region's minimum for figures about few people (orgs.disclosure): in reports of its organisations
    # that another organisation reads, a cell describing fewer than this many persons is a range.
    small_cell_k = models.PositiveSmallIntegerField(
        _("小さな数の基準 k（人）"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2), MaxValueValidator(100)],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic lock (core.versions)

    class Meta:
        ordering = ["path"]
        verbose_name = _("組織")
        verbose_name_plural = _("組織")

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def is_within(self, other: "Organisation") -> bool:
        """True when self is other or sits below it."""
        return self.path.startswith(other.path)


class Role(models.TextChoices):
    ADMIN = "admin", _("管理者")
    COORDINATOR = "coordinator", _("相談員")
    PEER = "peer", _("ピアサポーター")
    VIEWER = "viewer", _("閲覧")
    STATISTICIAN = "statistician", _("統計担当")


class Membership(models.Model):
    """A staff member's place in one organisation. A person may belong to several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("利用者"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("組織"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("有効"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic lock (core.versions)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_role_per_org")]
        ordering = ["organisation__path", "user__username"]
        verbose_name = _("所属")
        verbose_name_plural = _("所属")

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


class Invitation(models.Model):
    """An organisation's offer of a role to an account, which becomes a Membership only when the person
    accepts it after signing in: no 管理者 can attach someone's account (and with it their log-in
    history) without them. `username` is what the 管理者 typed; `user` is the account of that name if
    there is one (the page never says which), so an invitation to no account simply stays open."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("組織"), on_delete=models.PROTECT, related_name="invitations"
    )
    username = models.CharField(_("ログイン名"), max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("利用者"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("招待した人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "username"], name="one_invitation_per_name")]
        ordering = ["-created_at", "-id"]
        verbose_name = _("招待")
        verbose_name_plural = _("招待")

    def __str__(self):
        return f"{self.username} @ {self.organisation}"


class LockedPeriod(models.Model):
    """Months whose figures an organisation has reported upward (締め): no dated work of the organisation
    or of anything below it may be recorded, changed or removed in them (orgs.periods.ensure_open).
    `starts_on` is the first day of the first month, `ends_on` the last day of the last month."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("組織"), on_delete=models.PROTECT, related_name="locked_periods"
    )
    starts_on = models.DateField(_("開始日"))
    ends_on = models.DateField(_("終了日"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(starts_on__lte=models.F("ends_on")), name="lock_starts_first")
        ]
        indexes = [models.Index(fields=["organisation", "starts_on"])]
        ordering = ["organisation", "starts_on"]
        verbose_name = _("締めた期間")
        verbose_name_plural = _("締めた期間")

    def __str__(self):
        return f"{self.organisation} {self.starts_on}〜{self.ends_on}"


class LockException(models.Model):
    """One person may change the records of a locked period until a day (inclusive), for a stated reason
    (ロック解除の例外). Opened by tsunagu.returns.actions.open_exception, which audits it."""

    lock = models.ForeignKey(
        LockedPeriod, verbose_name=_("締めた期間"), on_delete=models.CASCADE, related_name="exceptions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("変更できる人"), on_delete=models.PROTECT, related_name="+"
    )
    until = models.DateField(_("期限"))
    reason = models.TextField(_("理由"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("開いた人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["lock", "-created_at"]
        verbose_name = _("締めの例外")
        verbose_name_plural = _("締めの例外")

    def __str__(self):
        return f"{self.lock} {self.user} 〜{self.until}"
