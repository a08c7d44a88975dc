import pytest

from cms.models import HomePage, StandardPage


@pytest.mark.django_db
def test_a_standard_page_under_the_home_page_shows_its_text(client_for, worker):
    home = HomePage.objects.get()
    page = StandardPage(
        title="平台使用说明",
        slug="help",
        intro="常见问题",
        body="<p>忘记密码请联系街道组织人事。</p>",
    )
    home.add_child(instance=page)
    page.save_revision().publish()

    body = client_for("worker").get("/help/").content.decode()

    assert "平台使用说明" in body
    assert "忘记密码请联系街道组织人事。" in body
    assert StandardPage in HomePage.allowed_subpage_models()
