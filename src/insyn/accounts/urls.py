from django.urls import path

from insyn.accounts import oidc, sso_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("2fa/setup/", views.OtpSetupView.as_view(), name="otp_setup"),
    path("2fa/verify/", views.OtpVerifyView.as_view(), name="otp_verify"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/set/<uidb64>/<token>/", views.PasswordSetView.as_view(), name="password_set"),
    path("password/done/", views.PasswordSetDoneView.as_view(), name="password_set_done"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("users/", views.UserListView.as_view(), name="users"),
    path("users/new/", views.UserCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path("users/two-factor/", views.TwoFactorPolicyView.as_view(), name="two_factor_policy"),
    path("sso/start/", oidc.StartView.as_view(), name="sso_start"),
    path("sso/callback/", oidc.CallbackView.as_view(), name="sso_callback"),
    path("sso/no-access/", sso_views.NoAccessView.as_view(), name="sso_no_access"),
    path("users/sso/", sso_views.SsoSettingsView.as_view(), name="sso_settings"),
]
