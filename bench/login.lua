-- wrk: the login form, posted with a valid anti-forgery token (COOKIE and CSRF from the env).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = os.getenv("COOKIE")
wrk.body = "csrf=" .. os.getenv("CSRF") .. "&username=bench&password=bench+password+1&next=/admin"
