"""Logging in: ClientLogin (user and password for a token), the POST token, and who is logged in."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse, PlainTextResponse

from blogreader.web.api.common import ApiError, Params, auth_token, authorize, post_token, read_params
from blogreader.web.api.passwords import MAX_LENGTH, burn_time, check_password

router = APIRouter()


@router.api_route("/accounts/ClientLogin", methods=["GET", "POST"])
def client_login(request: Request, params: Params = Depends(read_params)):
    """Email and Passwd for `SID=... LSID=... Auth=...`; one answer (401) for a wrong user or password."""
    store = request.app.state.stores.get()
    login = store.api_login()
    if login is None:
        raise ApiError(404, "Not Found: the reader API is off; turn it on with `blogreader api-password`")
    user, password = params.get("Email"), params.get("Passwd")
    if user is None or password is None:
        raise ApiError(400, "Bad Request: send Email (the API user name) and Passwd (the API password)")
    failures = request.app.state.failed_logins
    address = request.client.host if request.client else "?"
    wait = failures.wait(address)
    if wait:
        raise ApiError(429, f"Too Many Requests: too many wrong passwords; try again in {wait} s",
                       {"Retry-After": str(wait)})
    password = password[:MAX_LENGTH * 4]
    if hmac.compare_digest(user.encode("utf-8", "replace"), login[0].encode("utf-8")):
        accepted = check_password(password, login[1])
    else:
        burn_time(password)  # the same time for a wrong user as for a wrong password
        accepted = False
    if not accepted:
        failures.failed(address)
        raise ApiError(401, "Unauthorized: wrong user name or password (set them with `blogreader api-password`)",
                       {"Google-Bad-Token": "true"})
    token = auth_token(request.app.state.secret, login)
    return PlainTextResponse(f"SID={token}\nLSID=null\nAuth={token}\n")


@router.get("/reader/api/0/token")
def token(request: Request, params: Params = Depends(read_params)):
    """The token T that calls changing something carry."""
    store = authorize(request, params)
    return PlainTextResponse(post_token(request.app.state.secret, store.api_login()) + "\n")


@router.get("/reader/api/0/user-info")
def user_info(request: Request, params: Params = Depends(read_params)):
    """The one user of this library."""
    store = authorize(request, params)
    user = store.api_login()[0]
    return JSONResponse({"userId": user, "userName": user, "userProfileId": user,
                         "userEmail": user if "@" in user else ""})
