"""User departments are the one department list (core.departments): new members, same codes."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicaluser',
            name='department',
            field=models.CharField(blank=True, choices=[('mz', '民政'), ('yb', '医保'), ('wj', '卫健'), ('cl', '残联'), ('zj', '住建'), ('sl', '水利'), ('rs', '人社'), ('jy', '教育'), ('yj', '应急'), ('ga', '公安'), ('ny', '农业农村'), ('xczx', '乡村振兴'), ('jr', '金融'), ('xz', '乡镇'), ('other', '其他')], max_length=10, verbose_name='所属部门'),
        ),
        migrations.AlterField(
            model_name='user',
            name='department',
            field=models.CharField(blank=True, choices=[('mz', '民政'), ('yb', '医保'), ('wj', '卫健'), ('cl', '残联'), ('zj', '住建'), ('sl', '水利'), ('rs', '人社'), ('jy', '教育'), ('yj', '应急'), ('ga', '公安'), ('ny', '农业农村'), ('xczx', '乡村振兴'), ('jr', '金融'), ('xz', '乡镇'), ('other', '其他')], max_length=10, verbose_name='所属部门'),
        ),
    ]
