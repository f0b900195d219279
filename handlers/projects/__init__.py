"""Project registration (对接成功项目登记) and the intermediary-fee payment proof (中介费兑付凭证)."""
