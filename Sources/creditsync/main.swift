print("creditsync")
