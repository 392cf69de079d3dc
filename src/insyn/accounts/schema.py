"""OpenAPI descriptions of insyn's authentication classes."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    target_class = "insyn.accounts.authentication.VerifiedSessionAuthentication"
    name = "sessionAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


class HashedTokenScheme(OpenApiAuthenticationExtension):
    target_class = "insyn.accounts.authentication.HashedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": '"Token <key>"; create the key on your profile page.',
        }
