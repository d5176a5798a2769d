import pytest

from .helpers import background, person


@pytest.fixture
def population(own_agency, partner_agency, outsider_agency):
    return background([own_agency, partner_agency, outsider_agency])


@pytest.fixture
def yoshiko(own_agency, partner_agency, outsider_agency, population):
    """One woman, three agencies, three ways of writing her."""
    return [
        person(own_agency, "髙橋 ヨシ子", "タカハシ ヨシコ", "1940-03-02", sex="F", address="旭町1丁目2番3号",
               phone="0133-22-1111"),
        person(partner_agency, "高橋よし子", "たかはし よしこ", "1940-03-02", address="旭町1-2-3", phone="(0133)22-1111"),
        person(outsider_agency, "高橋　ヨシ子", "ﾀｶﾊｼ ﾖｼｺ", "1940-03-02", sex="F", address="つなぐ市旭町一丁目２－３"),
    ]


@pytest.fixture
def twins(own_agency, partner_agency, population):
    return [
        person(own_agency, "山口 優太", "ヤマグチ ユウタ", "2015-06-01", sex="M", address="栄町5-6-7", phone="0133-55-2222"),
        person(partner_agency, "山口 優斗", "やまぐち ゆうと", "2015-06-01", sex="M", address="栄町5丁目6番7号",
               phone="0133-55-2222"),
    ]
