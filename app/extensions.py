"""Extension objects, created unbound so that nothing needs the application to import them."""

from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from app.database import Base, BoundSession

db = SQLAlchemy(
    model_class=Base,
    session_options={"class_": BoundSession, "expire_on_commit": False},
)
csrf = CSRFProtect()
bootstrap = Bootstrap5()
login_manager = LoginManager()
