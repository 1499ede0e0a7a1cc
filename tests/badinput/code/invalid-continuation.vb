Imports System
Public Class Notify
    Dim url = "https://graph.microsoft.com/v1.0/me/messages"
End Class
' â(¡
