from django.db import migrations, models


class Migration(migrations.Migration):
    # Apart from 0009: PostgreSQL refuses to alter a table whose rows that transaction updated.
    dependencies = [("orgs", "0009_partnercategory_code")]
    operations = [
        migrations.AlterField(
            model_name="partnercategory",
            name="code",
            field=models.SlugField(max_length=40, unique=True, verbose_name="コード"),
        ),
    ]
