import pytest

from assembly_line_runtime import config
from assembly_line_runtime.config import ServiceInfo

SERVICE = ServiceInfo(name="runtime-test", port=8123)


def test_settings_default_to_the_intent():
    settings = config.load_settings(SERVICE, {})
    assert (settings.port, settings.host, settings.version) == (8123, "127.0.0.1", "1.0.0")
    assert settings.registry_url is None and settings.release_id is None
    assert settings.service_url == "http://127.0.0.1:8123"


def test_settings_come_from_the_environment():
    settings = config.load_settings(
        SERVICE,
        {"PORT": "9123", "HOST": "0.0.0.0", "SERVICE_VERSION": "2.0.1-rc.1", "REGISTRY_URL": "http://registry:8000/"},
    )
    assert (settings.port, settings.host, settings.version) == (9123, "0.0.0.0", "2.0.1-rc.1")
    assert settings.registry_url == "http://registry:8000"
    assert settings.service_url == "http://127.0.0.1:9123"
    assert config.load_settings(SERVICE, {"HOST": "::1", "PORT": "9124"}).service_url == "http://[::1]:9124"
    assert config.load_settings(SERVICE, {"SERVICE_URL": "https://svc.example/"}).service_url == "https://svc.example"
    assert config.load_settings(SERVICE, {"ASSEMBLY_LINE_RELEASE_ID": "r-1"}).release_id == "r-1"


@pytest.mark.parametrize("port", ["abc", "0", "70000", "-1", "80.5"])
def test_a_bad_port_is_refused_with_the_variable_named(port):
    with pytest.raises(config.ConfigError) as error:
        config.load_settings(SERVICE, {"PORT": port})
    assert "PORT" in str(error.value) and repr(port) in str(error.value)


def test_a_version_that_is_not_semver_falls_back_with_a_note():
    settings = config.load_settings(SERVICE, {"SERVICE_VERSION": "20261125T041713Z-3f9a2c1"})
    assert settings.version == "1.0.0"
    assert len(settings.notes) == 1 and "SERVICE_VERSION" in settings.notes[0]
    assert config.load_settings(SERVICE, {"SERVICE_VERSION": "01.2.3"}).version == "1.0.0"
    assert config.load_settings(SERVICE, {"SERVICE_VERSION": "1.2.3-rc.1+build.7"}).notes == ()


def test_dependency_urls():
    assert config.dependency_env_name("payment-processor") == "DEPENDENCY_PAYMENT_PROCESSOR_URL"
    environ = {"DEPENDENCY_BILLING_URL": " http://billing:1/ ", "REGISTRY_URL": "http://registry:2"}
    assert config.dependency_url("billing", environ) == "http://billing:1"
    assert config.dependency_url("registry", environ) == "http://registry:2"
    assert config.dependency_url("registry", {"DEPENDENCY_REGISTRY_URL": "http://r:3", "REGISTRY_URL": "x"}) == "http://r:3"
    assert config.dependency_url("other", environ) is None
